package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.inventory.HostCallException;
import io.migrationgatekeeper.inventory.HostInventory;
import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.policy.DeclarationConflict;
import io.migrationgatekeeper.policy.MigrationFlag;
import io.migrationgatekeeper.problem.RequestIds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.context.ApplicationEventPublisher;

/**
 * The job state machine of one replica, step by step and synchronous: claim queued jobs, run one through the
 * gateway, heartbeat, poll (progress, timeout, cancel), adopt and reconcile orphans. Every transition goes through
 * the ledger's guarded updates. {@link JobScheduler} calls these steps on its threads; tests call them directly
 * with a fake gateway, in milliseconds.
 */
class JobEngine {

    private static final Logger log = LoggerFactory.getLogger(JobEngine.class);

    /**
     * A job this replica runs (its thread is in {@code migrate}) or watches (adopted from a replica that went silent:
     * the migration runs in libvirt, and polls tell when it ends).
     */
    private record Watched(MigrationJob job, boolean adopted, AtomicBoolean timedOut) {}

    private final Ledger ledger;
    private final MigrationGateway gateway;
    private final HostInventory inventory;
    private final MigrationProperties properties;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final String replica;
    private final Map<String, Watched> watched = new ConcurrentHashMap<>();

    static final String UNSAFE_REFUSAL = "VIR_ERR_MIGRATE_UNSAFE";
    static final String DECLARATION_CONFLICT = "DECLARATION_CONFLICT";

    JobEngine(Ledger ledger, MigrationGateway gateway, HostInventory inventory, MigrationProperties properties,
            ApplicationEventPublisher events, Clock clock, String replica) {
        this.ledger = ledger;
        this.gateway = gateway;
        this.inventory = inventory;
        this.properties = properties;
        this.events = events;
        this.clock = clock;
        this.replica = replica;
    }

    String replica() {
        return replica;
    }

    /** The jobs this replica runs or watches: what its heartbeat covers. */
    Set<String> watched() {
        return Set.copyOf(watched.keySet());
    }

    /** QUEUED → RUNNING for as many jobs as the caps allow; the caller runs each with {@link #run}. */
    List<MigrationJob> claim() {
        List<MigrationJob> claimed = ledger.claimDispatchable(replica, properties.maxOutboundPerHost(),
                properties.maxActive(), clock.instant());
        for (MigrationJob job : claimed) {
            watched.put(job.id(), new Watched(job, false, new AtomicBoolean()));
        }
        return claimed;
    }

    /** Performs a claimed job to its end. Blocks as long as libvirt migrates. */
    void run(MigrationJob job) {
        try (JobContext context = JobContext.of(job)) {
            Optional<InventoryHost> source = inventory.find(job.sourceHost());
            Optional<InventoryHost> target = inventory.find(job.targetHost());
            if (source.isEmpty() || target.isEmpty()) {
                end(job, JobState.FAILED, new MigrationJob.JobError("HOST_NOT_IN_INVENTORY",
                        "the source or target host is no longer in the inventory"), null);
                return;
            }
            log.info("migration {}: {} from {} to {} (flags {})", job.id(), job.domainName(), job.sourceHost(),
                    job.targetHost(), job.plan().flags());
            try {
                gateway.migrate(source.get(), job.domainUuid(), job.plan());
                end(job, JobState.SUCCEEDED, null, completedStats(target.get(), job));
            } catch (MigrationGateway.MigrationFailedException e) {
                Watched w = watched.get(job.id());
                if (w != null && w.timedOut().get()) {
                    end(job, JobState.FAILED, new MigrationJob.JobError("TIMEOUT", "aborted after options.timeoutSeconds ("
                            + job.options().timeoutSeconds() + " s): " + e.getMessage()), null);
                } else if (e.aborted()) {
                    end(job, JobState.CANCELLED, new MigrationJob.JobError(e.code(), e.getMessage()), null);
                } else {
                    List<DeclarationConflict> conflicts = contradicted(job, e);
                    if (end(job, JobState.FAILED, failure(e, conflicts), null) && !conflicts.isEmpty()) {
                        log.warn("migration {}: libvirt refused what the gatekeeper predicted it would accept; the"
                                + " source host {} contradicts {}", job.id(), job.sourceHost(), conflicts.stream()
                                .map(c -> c.declaration().label()).distinct().toList());
                        events.publishEvent(new DeclarationsContradicted(job, conflicts));
                    }
                }
            } catch (RuntimeException e) {
                log.error("migration {} failed unexpectedly", job.id(), e);
                end(job, JobState.FAILED, new MigrationJob.JobError("INTERNAL_ERROR", e.toString()), null);
            }
        } finally {
            watched.remove(job.id());
        }
    }

    /**
     * The declarations libvirt contradicted, when its own check refused ({@code VIR_ERR_MIGRATE_UNSAFE}) a migration
     * sent without {@code VIR_MIGRATE_UNSAFE} that the gatekeeper predicted it would accept; empty otherwise (another
     * failure, a refusal that was predicted, the flag sent, or the decision unreadable just now).
     */
    private List<DeclarationConflict> contradicted(MigrationJob job, MigrationGateway.MigrationFailedException e) {
        if (!UNSAFE_REFUSAL.equals(e.code()) || (job.plan().flags() & MigrationFlag.UNSAFE.bit()) != 0) {
            return List.of();
        }
        try {
            return ledger.decision(job.decisionId()).map(DecisionRecord::evaluation)
                    .map(evaluation -> evaluation.contradictedBy(e.getMessage())).orElse(List.of());
        } catch (LedgerUnavailableException unavailable) {
            // Ending the job needs the ledger too; if it is back by then, the job keeps libvirt's own code.
            return List.of();
        }
    }

    /**
     * libvirt's code and words; for a refusal that contradicts declarations, {@code DECLARATION_CONFLICT} with
     * libvirt's words, its code, and each declaration with the disks whose predicted verdict rested on it.
     */
    private static MigrationJob.JobError failure(MigrationGateway.MigrationFailedException e,
            List<DeclarationConflict> conflicts) {
        if (conflicts.isEmpty()) {
            return new MigrationJob.JobError(e.code(), e.getMessage());
        }
        Map<String, List<String>> disksByDeclaration = new LinkedHashMap<>();
        for (DeclarationConflict c : conflicts) {
            disksByDeclaration.computeIfAbsent(c.declaration().description(), d -> new ArrayList<>()).add(c.disk());
        }
        return new MigrationJob.JobError(DECLARATION_CONFLICT, e.getMessage() + " (" + UNSAFE_REFUSAL
                + "); the host contradicts " + disksByDeclaration.entrySet().stream()
                .map(d -> d.getKey() + " (disk" + (d.getValue().size() == 1 ? " " : "s ") + String.join(", ", d.getValue())
                        + ")")
                .collect(Collectors.joining(", ")));
    }

    /**
     * Tells the other replicas this one is alive and still has its jobs. Only the ledger is involved: a host that
     * takes {@code call-timeout} to answer a poll never silences it, so no live job is taken for an orphan.
     */
    void heartbeat() {
        ledger.heartbeat(watched.keySet(), replica, clock.instant());
    }

    /** One round of libvirt calls for a job this replica runs or watches: progress, timeout, cancel, or its end. */
    void poll(String id) {
        Watched w = watched.get(id);
        if (w == null) {
            return;
        }
        try (JobContext context = JobContext.of(w.job())) {
            poll(id, w);
        }
    }

    private void poll(String id, Watched w) {
        MigrationJob job = w.job();
        Optional<InventoryHost> source = inventory.find(job.sourceHost());
        Optional<InventoryHost> target = inventory.find(job.targetHost());
        if (source.isEmpty() || target.isEmpty()) {
            if (w.adopted()) {
                end(job, JobState.FAILED, new MigrationJob.JobError("INTERRUPTED",
                        "interrupted, and its hosts are no longer in the inventory"), null);
                watched.remove(id);
            }
            return;
        }
        try {
            if (w.adopted() && gateway.presence(source.get(), job.domainUuid()) != MigrationGateway.Presence.MIGRATING) {
                resolve(job, source.get(), target.get());
                watched.remove(id);
                return;
            }
            gateway.progress(source.get(), job.domainUuid()).ifPresent(p -> ledger.progress(id, replica, p));
            Integer limit = job.options().timeoutSeconds();
            boolean overdue = limit != null && job.startedAt() != null
                    && Duration.between(job.startedAt(), clock.instant()).toSeconds() >= limit;
            if (overdue && w.timedOut().compareAndSet(false, true)) {
                log.warn("migration {} exceeded {} s: aborting", id, limit);
                gateway.abort(source.get(), job.domainUuid());
            } else if (!ledger.cancelRequested(Set.of(id)).isEmpty()) {
                gateway.abort(source.get(), job.domainUuid());
            }
        } catch (HostCallException e) {
            // The host did not answer this time; the heartbeat goes on without it, and the next poll tries again.
            log.debug("migration {}: poll failed: {}", id, e.getMessage());
        }
    }

    /**
     * Takes over RUNNING jobs whose replica stopped reporting for {@code orphan-after} (it died, or lost the
     * database), except those this replica runs itself. The caller reconciles each with {@link #reconcile}.
     */
    List<MigrationJob> adoptOrphans() {
        Instant now = clock.instant();
        Instant stale = now.minus(properties.orphanAfter());
        List<MigrationJob> adopted = new ArrayList<>();
        for (MigrationJob orphan : ledger.orphans(stale)) {
            if (!watched.containsKey(orphan.id()) && ledger.adopt(orphan.id(), replica, stale, now)) {
                adopted.add(orphan);
            }
        }
        return adopted;
    }

    /**
     * Decides from libvirt what became of an adopted job: still migrating (then this replica watches it to its end,
     * as the one that started it would have), on the target, or back on the source.
     */
    void reconcile(MigrationJob job) {
        try (JobContext context = JobContext.of(job)) {
            reconcileNow(job);
        }
    }

    private void reconcileNow(MigrationJob job) {
        Optional<InventoryHost> source = inventory.find(job.sourceHost());
        Optional<InventoryHost> target = inventory.find(job.targetHost());
        if (source.isEmpty() || target.isEmpty()) {
            end(job, JobState.FAILED, new MigrationJob.JobError("INTERRUPTED",
                    "interrupted, and its hosts are no longer in the inventory"), null);
            return;
        }
        try {
            if (gateway.presence(source.get(), job.domainUuid()) == MigrationGateway.Presence.MIGRATING) {
                watched.put(job.id(), new Watched(job, true, new AtomicBoolean()));
                log.info("migration {}: adopted after its replica stopped; libvirt is still migrating it", job.id());
                return;
            }
            resolve(job, source.get(), target.get());
        } catch (HostCallException e) {
            // A host did not answer: the job stays an orphan, and the next round tries again.
            log.warn("migration {}: cannot reconcile yet: {}", job.id(), e.getMessage());
        }
    }

    /** libvirt no longer migrates the domain: it runs on the target (SUCCEEDED), or it does not (FAILED). */
    private void resolve(MigrationJob job, InventoryHost source, InventoryHost target) {
        if (gateway.presence(target, job.domainUuid()) == MigrationGateway.Presence.RUNNING) {
            end(job, JobState.SUCCEEDED, null, completedStats(target, job));
            log.info("migration {}: reconciled: the domain runs on {}", job.id(), job.targetHost());
            return;
        }
        MigrationGateway.Presence onSource = gateway.presence(source, job.domainUuid());
        if (onSource != MigrationGateway.Presence.ABSENT && !ledger.cancelRequested(Set.of(job.id())).isEmpty()) {
            end(job, JobState.CANCELLED, new MigrationJob.JobError("CANCELLED",
                    "cancelled: the domain is still on " + job.sourceHost()), null);
            return;
        }
        end(job, JobState.FAILED, new MigrationJob.JobError("INTERRUPTED", "interrupted: the replica running it stopped,"
                + " and the domain is " + (onSource == MigrationGateway.Presence.ABSENT ? "on neither host"
                : "still on " + job.sourceHost() + " with no migration job")), null);
    }

    /**
     * The job's originating request id in the MDC while the engine works on the job (on whichever thread), so the
     * log lines of a background migration, and of the libvirt calls made for it, carry the id of the request that
     * queued it; what the thread had before comes back afterwards. A job without one clears it, so no other job's
     * id lingers on a pooled thread.
     */
    private record JobContext(String previous) implements AutoCloseable {

        static JobContext of(MigrationJob job) {
            JobContext context = new JobContext(MDC.get(RequestIds.MDC_KEY));
            set(job.requestId());
            return context;
        }

        @Override
        public void close() {
            set(previous);
        }

        private static void set(String requestId) {
            if (requestId == null) {
                MDC.remove(RequestIds.MDC_KEY);
            } else {
                MDC.put(RequestIds.MDC_KEY, requestId);
            }
        }
    }

    private JobProgress completedStats(InventoryHost target, MigrationJob job) {
        try {
            return gateway.completed(target, job.domainUuid()).orElse(null);
        } catch (HostCallException e) {
            return null;
        }
    }

    /** RUNNING → an end, once: the replica that moves it first reports it (and gets true). */
    private boolean end(MigrationJob job, JobState outcome, MigrationJob.JobError error, JobProgress progress) {
        Instant now = clock.instant();
        if (!ledger.end(job.id(), outcome, error, progress, now)) {
            return false;
        }
        Duration took = job.startedAt() == null ? null : Duration.between(job.startedAt(), now);
        events.publishEvent(new MigrationEnded(job, outcome, took));
        log.info("migration {}: {}{}", job.id(), outcome,
                error == null ? "" : " (" + error.code() + ": " + error.message() + ")");
        return true;
    }
}
