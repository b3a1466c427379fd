package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.inventory.HostInventory;
import io.migrationgatekeeper.inventory.HostUnavailableException;
import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.observability.DecisionLog;
import io.migrationgatekeeper.observability.DecisionMetrics;
import io.migrationgatekeeper.policy.Decision;
import io.migrationgatekeeper.policy.InvalidMigrationRequestException;
import io.migrationgatekeeper.policy.MigrationRequest;
import io.migrationgatekeeper.policy.StorageMigration;
import io.migrationgatekeeper.policy.UnsafeOverride;
import io.migrationgatekeeper.policy.Violation;
import io.migrationgatekeeper.preflight.LiveDefinition;
import io.migrationgatekeeper.preflight.PreflightService;
import io.migrationgatekeeper.preflight.SourceHosts;
import io.migrationgatekeeper.problem.RequestIds;
import io.migrationgatekeeper.security.Caller;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/**
 * Emptying a host: every domain running on the source is decided exactly as a migration request for it would be,
 * and each movable one becomes an ordinary migration job (same caps, same ledger, same cancel), spread over the
 * targets. A blocked domain is never moved: only an authorised override can make it movable, as for a single
 * migration. A dry run decides the same way and touches nothing.
 */
@Service
class Drains {

    /** What {@code POST /v1/drains} answers when it starts one: the drain, first time or replayed. */
    record Started(DrainView drain, boolean replayed) {}

    private final Decider decider;
    private final PreflightService evaluator;
    private final SourceHosts hosts;
    private final HostInventory inventory;
    private final Ledger ledger;
    private final MigrationGateway gateway;
    private final JobScheduler scheduler;
    private final Migrations migrations;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    Drains(Decider decider, PreflightService evaluator, SourceHosts hosts, HostInventory inventory, Ledger ledger,
            MigrationGateway gateway, JobScheduler scheduler, Migrations migrations, ApplicationEventPublisher events,
            Clock clock) {
        this.decider = decider;
        this.evaluator = evaluator;
        this.hosts = hosts;
        this.inventory = inventory;
        this.ledger = ledger;
        this.gateway = gateway;
        this.scheduler = scheduler;
        this.migrations = migrations;
        this.events = events;
        this.clock = clock;
    }

    /** The validated request: hosts resolved, before anything is contacted. */
    private record Checked(InventoryHost source, List<String> targets, List<String> unavailable,
            StorageMigration storage, UnsafeOverride override, MigrationRequestJson.Unsafe unsafe) {

        /** Where domains may go: the targets not known to be down. */
        List<String> usable() {
            return targets.stream().filter(t -> !unavailable.contains(t)).toList();
        }
    }

    private Checked check(DrainRequestJson body) {
        if (body.sourceHost() == null || body.sourceHost().isBlank()) {
            throw new InvalidMigrationRequestException("sourceHost", "is required: the inventory host to empty");
        }
        InventoryHost source = inventory.require("sourceHost", body.sourceHost());
        List<String> targets = new ArrayList<>();
        if (body.targetHosts() == null) {
            inventory.all().stream().map(InventoryHost::name).filter(name -> !name.equals(source.name()))
                    .forEach(targets::add);
            if (targets.isEmpty()) {
                throw new InvalidMigrationRequestException("targetHosts", "the inventory has no host but "
                        + source.name() + " to move its domains to");
            }
        } else {
            if (body.targetHosts().isEmpty()) {
                throw new InvalidMigrationRequestException("targetHosts", "is empty; leave it out to use every other"
                        + " inventory host, or name at least one");
            }
            Set<String> seen = new LinkedHashSet<>();
            for (String name : body.targetHosts()) {
                if (name == null) {
                    throw new InvalidMigrationRequestException("targetHosts", "has a null entry");
                }
                InventoryHost target = inventory.require("targetHosts", name);
                if (target.name().equals(source.name())) {
                    throw new InvalidMigrationRequestException("targetHosts", "names the source host " + source.name()
                            + ": a drain moves domains away from it");
                }
                if (!seen.add(target.name())) {
                    throw new InvalidMigrationRequestException("targetHosts", "names " + target.name() + " twice");
                }
            }
            targets.addAll(seen);
        }
        StorageMigration storage = StorageMigration.fromRequest(body.storageMigration());
        UnsafeOverride override = null;
        if (body.unsafe() != null) {
            override = new UnsafeOverride(body.unsafe().reason());
            Caller.requireOverride();
        }
        // A target whose last contact failed would only fail the migrations sent to it: they go elsewhere.
        List<String> unavailable = targets.stream().filter(t -> gateway.knownDown(inventory.require("targetHosts", t)))
                .toList();
        if (unavailable.size() == targets.size()) {
            throw new HostUnavailableException(unavailable.get(0), "no target host is reachable: the last contact with "
                    + shortList(unavailable) + " failed (GET /v1/hosts says why); nothing was started", null,
                    gateway.retryAfter());
        }
        return new Checked(source, List.copyOf(targets), unavailable, storage, override, body.unsafe());
    }

    private static String shortList(List<String> names) {
        return names.size() <= 10 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 10)) + " and " + (names.size() - 10) + " more";
    }

    /** Decides every running domain and answers the plan; records nothing (the preflight log counts each one). */
    DrainView dryRun(DrainRequestJson body) {
        Checked request = check(body);
        List<DrainRecord.Entry> entries = plan(request, (live, target) -> {
            PreflightService.Result result = evaluator.evaluate(live, new MigrationRequest(request.source().name(),
                    target, request.storage(), null, false, request.override()), DecisionMetrics.Kind.PREFLIGHT);
            return new Decided(result.evaluation().decision(), Violation.reasonCodes(result.evaluation().violations()),
                    problems(result.evaluation().violations()), null);
        });
        DrainRecord drain = new DrainRecord(null, clock.instant(), Caller.name(), request.source().name(),
                request.override() == null ? null : request.override().reason(), null,
                new DrainRecord.Plan(request.targets(), request.unavailable(), request.storage().value(), entries));
        return DrainView.of(drain, List.of(), true);
    }

    /**
     * Starts a drain. With an Idempotency-Key, the caller's retry gets the drain the first request started; another
     * caller's identical key is another key.
     *
     * @param callerName the token subject or API key name, however long: the ledger keeps {@link LedgerName#caller}
     */
    Started start(DrainRequestJson body, String bodyHash, String idempotencyKey, String callerName) {
        String caller = LedgerName.caller(callerName);
        if (idempotencyKey == null) {
            return new Started(startNow(body, caller, null), false);
        }
        return IdempotencyKeys.once(ledger, clock.instant(), migrations.lease(), caller, idempotencyKey, bodyHash,
                "planned", answered -> {
                    if (answered.drainId() == null) {
                        throw IdempotencyKeys.reused(idempotencyKey); // the key answered a migration request
                    }
                    return new Started(find(answered.drainId()).orElseThrow(() -> new MigrationException(
                            MigrationException.Reason.DRAIN_NOT_FOUND, "the drain Idempotency-Key '" + idempotencyKey
                            + "' started is no longer in the ledger (gatekeeper.ledger.retention)")), true);
                },
                claimed -> new Started(startNow(body, caller, claimed), false));
    }

    private DrainView startNow(DrainRequestJson body, String caller, Ledger.Claimed claim) {
        Checked request = check(body);
        List<MigrationDecision> decisions = new ArrayList<>();
        Map<String, String> jobIds = new HashMap<>();
        List<DrainRecord.Entry> entries = plan(request, (live, target) -> {
            MigrationDecision decision = decider.decide(new MigrationRequestJson(live.uuid(), request.source().name(),
                    target, request.storage().value(), null, null, request.unsafe(), null, null), caller,
                    RequestIds.current(), live);
            decisions.add(decision);
            String jobId = null;
            if (!decision.denied()) {
                jobId = UUID.randomUUID().toString();
                jobIds.put(decision.id(), jobId);
            }
            return new Decided(decision.decision(), decision.record().reasons(), problems(decision.record()), decision.id(),
                    jobId);
        });
        DrainRecord drain = new DrainRecord(UUID.randomUUID().toString(), clock.instant(), caller,
                request.source().name(), request.override() == null ? null : request.override().reason(), null,
                new DrainRecord.Plan(request.targets(), request.unavailable(), request.storage().value(), entries));
        ledger.startDrain(drain, decisions, jobIds, claim);
        String client = DecisionLog.clientAddress();
        decisions.forEach(d -> events.publishEvent(new MigrationDecided(d.record(), client)));
        if (!jobIds.isEmpty()) {
            scheduler.dispatchSoon();
        }
        return find(drain.id()).orElseThrow();
    }

    /** One domain decided for the plan. */
    private record Decided(Decision decision, List<String> reasons, List<DrainRecord.Problem> violations,
            String decisionId, String migrationId) {

        Decided(Decision decision, List<String> reasons, List<DrainRecord.Problem> violations, String decisionId) {
            this(decision, reasons, violations, decisionId, null);
        }
    }

    @FunctionalInterface
    private interface Decide {
        Decided decide(LiveDefinition live, String targetHost);
    }

    /**
     * Each running domain, by name, goes to the target with the fewest active migrations (the ledger's, and this
     * drain's so far), ties to the earliest listed: the targets fill evenly. A domain that is denied takes no
     * target, and one that already has an active migration is left to it.
     */
    private List<DrainRecord.Entry> plan(Checked request, Decide decide) {
        List<LiveDefinition> running = new ArrayList<>(hosts.running(request.source()));
        running.sort(Comparator.comparing(LiveDefinition::name));
        Map<String, String> active = ledger.activeOn(request.source().name());
        Map<String, Integer> load = new HashMap<>(ledger.activeByTarget());
        List<DrainRecord.Entry> entries = new ArrayList<>();
        for (LiveDefinition live : running) {
            String busy = active.get(live.uuid());
            if (busy != null) {
                entries.add(new DrainRecord.Entry(live.name(), live.uuid(), null, List.of(), List.of(), null, null, null,
                        busy));
                continue;
            }
            List<String> usable = request.usable();
            String target = usable.get(0);
            for (String candidate : usable) {
                if (load.getOrDefault(candidate, 0) < load.getOrDefault(target, 0)) {
                    target = candidate;
                }
            }
            Decided decided = decide.decide(live, target);
            boolean movable = decided.decision() != Decision.DENIED;
            if (movable) {
                load.merge(target, 1, Integer::sum);
            }
            entries.add(new DrainRecord.Entry(live.name(), live.uuid(), decided.decision().name(), decided.reasons(),
                    decided.violations(), movable ? target : null, decided.decisionId(), decided.migrationId(), null));
        }
        return entries;
    }

    private static List<DrainRecord.Problem> problems(List<Violation> violations) {
        return violations.stream().map(v -> new DrainRecord.Problem(v.disk(), v.reason().name(), v.message())).toList();
    }

    private static List<DrainRecord.Problem> problems(DecisionRecord decision) {
        if (decision.evaluation() == null) {
            return List.of();
        }
        List<DrainRecord.Problem> problems = new ArrayList<>();
        for (EvaluationRecord.ViolationRecord v : decision.evaluation().live().violations()) {
            problems.add(new DrainRecord.Problem(v.disk(), v.reason(), v.message()));
        }
        return problems;
    }

    Optional<DrainView> find(String id) {
        return ledger.drain(id).map(drain -> DrainView.of(drain, ledger.drainJobs(id), false));
    }

    /**
     * Cancels every job of the drain that has not ended: queued ones are dropped, running ones aborted in libvirt,
     * exactly as a cancel of each would. As with a migration, a caller cancels its own drains; another caller's only
     * with {@code anyCaller} (the {@code cancel-any} scope).
     */
    DrainView cancel(String id, String callerName, boolean anyCaller) {
        DrainRecord drain = ledger.drain(id).orElseThrow(() -> notFound(id));
        if (!anyCaller && !drain.requester().equals(LedgerName.caller(callerName))) {
            throw new MigrationException(MigrationException.Reason.NOT_YOURS, "drain " + id + " was started by '"
                    + drain.requester() + "': a caller cancels only its own drains, unless it has the scope"
                    + " 'cancel-any'");
        }
        List<MigrationJob> active = ledger.drainJobs(id).stream()
                .filter(job -> job.state() == JobState.QUEUED || job.state() == JobState.RUNNING)
                // Queued ones first: none of them may start while the running ones are being aborted.
                .sorted(Comparator.comparing(job -> job.state() == JobState.QUEUED ? 0 : 1))
                .toList();
        if (active.isEmpty()) {
            throw new MigrationException(MigrationException.Reason.DRAIN_ENDED, "drain " + id
                    + " has no queued or running migration left to cancel");
        }
        ledger.cancelDrain(id, clock.instant());
        for (MigrationJob job : active) {
            try {
                // The drain's jobs are its starter's: whoever may cancel the drain may cancel them.
                migrations.cancel(job.id(), callerName, true);
            } catch (MigrationException e) {
                if (e.reason() != MigrationException.Reason.ENDED) {
                    throw e;
                }
                // It ended meanwhile: nothing to cancel.
            }
        }
        return find(id).orElseThrow();
    }

    static MigrationException notFound(String id) {
        String shown = id.length() > 64 ? id.substring(0, 64) + "…" : id;
        return new MigrationException(MigrationException.Reason.DRAIN_NOT_FOUND, "no drain with id " + shown);
    }
}
