package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.inventory.HostCallException;
import io.migrationgatekeeper.inventory.HostInventory;
import io.migrationgatekeeper.observability.DecisionLog;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/**
 * The migration feature's commands and queries: request (decide, then record and queue in one ledger transaction,
 * idempotently per caller), find, list, cancel. Who listens to a decision or an ending (the decision log, the
 * metrics) hears it as an event.
 */
@Service
class Migrations {

    private static final Logger log = LoggerFactory.getLogger(Migrations.class);

    /** What the API answers for a request: a job (202) or a denial (422), first time or replayed. */
    sealed interface Outcome permits Approved, Denied {
        boolean replayed();
    }

    record Approved(MigrationView job, boolean replayed) implements Outcome {}

    record Denied(DecisionRecord decision, boolean replayed) implements Outcome {}

    private final Decider decider;
    private final Ledger ledger;
    private final JobScheduler scheduler;
    private final MigrationGateway gateway;
    private final HostInventory inventory;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    Migrations(Decider decider, Ledger ledger, JobScheduler scheduler, MigrationGateway gateway, HostInventory inventory,
            ApplicationEventPublisher events, Clock clock) {
        this.decider = decider;
        this.ledger = ledger;
        this.scheduler = scheduler;
        this.gateway = gateway;
        this.inventory = inventory;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Decides and, if approved, queues. With an Idempotency-Key, the caller's retry gets the first answer instead of
     * a second decision; another caller's identical key is another key.
     *
     * @param bodyHash   the request body's SHA-256: a key reused with another body is refused
     * @param callerName the token subject or API key name, however long: the ledger keeps {@link LedgerName#caller}
     * @param requestId  the HTTP request's id, kept with the decision and the job (a replay answers with the first
     *                   request's)
     */
    Outcome request(MigrationRequestJson body, String bodyHash, String idempotencyKey, String callerName,
            String requestId) {
        String caller = LedgerName.caller(callerName);
        if (idempotencyKey == null) {
            return admit(decider.decide(body, caller, requestId), null);
        }
        return IdempotencyKeys.once(ledger, clock.instant(), lease(), caller, idempotencyKey, bodyHash, "decided",
                answered -> replay(answered, idempotencyKey),
                // Not decided (bad input, a host down, the domain busy): the key is released for a retry.
                claimed -> admit(decider.decide(body, caller, requestId), claimed));
    }

    /**
     * How long a claimed key waits for its first request's answer before a retry may take it over: longer than
     * deciding can take (reading the domain is at most two libvirt calls).
     */
    Duration lease() {
        return gateway.callTimeout().multipliedBy(2).plusSeconds(30);
    }

    private Outcome admit(MigrationDecision decision, Ledger.Claimed claim) {
        events.publishEvent(new MigrationDecided(decision.record(), DecisionLog.clientAddress()));
        Optional<MigrationJob> job = ledger.admit(decision, claim, clock.instant());
        if (job.isEmpty()) {
            return new Denied(decision.record(), false);
        }
        scheduler.dispatchSoon();
        return new Approved(MigrationView.of(job.get(), decision.record()), false);
    }

    private Outcome replay(Ledger.Answered answered, String key) {
        if (answered.jobId() != null) {
            MigrationJob job = ledger.find(answered.jobId()).orElseThrow(() -> gone(key));
            return new Approved(MigrationView.of(job, ledger.decision(job.decisionId()).orElse(null)), true);
        }
        return new Denied(ledger.decision(answered.decisionId()).orElseThrow(() -> gone(key)), true);
    }

    private static MigrationException gone(String key) {
        return new MigrationException(MigrationException.Reason.NOT_FOUND, "the answer to Idempotency-Key '" + key
                + "' is no longer in the ledger (gatekeeper.ledger.retention)");
    }

    Optional<MigrationView> find(String id) {
        return ledger.find(id).map(job -> MigrationView.of(job, ledger.decision(job.decisionId()).orElse(null)));
    }

    MigrationView.Page list(String domain, JobState state, String decision, Long beforeSeq, int limit) {
        List<MigrationJob> jobs = ledger.list(LedgerName.domain(domain), state, decision, beforeSeq, limit + 1);
        boolean more = jobs.size() > limit;
        List<MigrationJob> page = more ? jobs.subList(0, limit) : jobs;
        return new MigrationView.Page(page.stream().map(job -> MigrationView.of(job, null)).toList(),
                more ? MigrationCursor.after(page.get(page.size() - 1).seq()) : null);
    }

    /**
     * Drops a queued job, or has a running one aborted. Each step is a guarded transition, so a dispatcher that
     * claims the job meanwhile turns the cancel into an abort, never into a CANCELLED row while libvirt migrates.
     * A caller cancels its own jobs; another caller's only with {@code anyCaller} (the {@code cancel-any} scope).
     */
    MigrationView cancel(String id, String callerName, boolean anyCaller) {
        MigrationJob job = ledger.find(id).orElseThrow(() -> MigrationException.notFound(id));
        if (!anyCaller && !job.requester().equals(LedgerName.caller(callerName))) {
            throw new MigrationException(MigrationException.Reason.NOT_YOURS, "migration " + id + " was requested by '"
                    + job.requester() + "': a caller cancels only its own migrations, unless it has the scope"
                    + " 'cancel-any'");
        }
        if (ledger.cancelQueued(id, clock.instant())) {
            events.publishEvent(new MigrationEnded(job, JobState.CANCELLED, null));
            return find(id).orElseThrow();
        }
        if (ledger.requestCancel(id)) {
            // Any replica may abort: libvirt's job is on the source host. If it does not answer now, the job's
            // owner aborts it at its next poll.
            inventory.find(job.sourceHost()).ifPresent(source -> {
                try {
                    gateway.abort(source, job.domainUuid());
                } catch (HostCallException e) {
                    log.warn("migration {}: abort not delivered yet ({}); its replica retries", id, e.getMessage());
                }
            });
            return find(id).orElseThrow();
        }
        MigrationJob ended = ledger.find(id).orElseThrow();
        throw new MigrationException(MigrationException.Reason.ENDED, "migration " + id + " has already ended: "
                + ended.state()).with("state", ended.state().name());
    }
}
