package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.inventory.HostInventory;
import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.observability.DecisionLog;
import io.migrationgatekeeper.observability.DecisionMetrics;
import io.migrationgatekeeper.observability.MigrationMetrics;
import io.migrationgatekeeper.policy.Decision;
import io.migrationgatekeeper.policy.InvalidMigrationRequestException;
import io.migrationgatekeeper.policy.LibvirtFlags;
import io.migrationgatekeeper.policy.MigrationFlag;
import io.migrationgatekeeper.policy.MigrationRequest;
import io.migrationgatekeeper.policy.StorageMigration;
import io.migrationgatekeeper.policy.UnsafeOverride;
import io.migrationgatekeeper.policy.Violation;
import io.migrationgatekeeper.preflight.DomainId;
import io.migrationgatekeeper.preflight.PreflightResponse;
import io.migrationgatekeeper.preflight.PreflightService;
import io.migrationgatekeeper.problem.ApiException;
import io.migrationgatekeeper.problem.ProblemType;
import io.migrationgatekeeper.security.Caller;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Decides a migration request with the rule, records the decision, and queues the job when it is approved. */
@Service
class MigrationService {

    /** What the API answers for a request: a job (202) or a denial (422 with the evaluation). */
    sealed interface Outcome permits Approved, Denied {}

    record Approved(MigrationView job) implements Outcome {}

    record Denied(String decisionId, String detail, JsonNode evaluation) implements Outcome {}

    private final PreflightService evaluator;
    private final HostInventory inventory;
    private final Ledger ledger;
    private final JobRunner runner;
    private final MigrationGateway gateway;
    private final MigrationMetrics metrics;
    private final JsonMapper json;
    private final DecisionLog decisionLog;

    MigrationService(PreflightService evaluator, HostInventory inventory, Ledger ledger, JobRunner runner,
            MigrationGateway gateway, MigrationMetrics metrics, JsonMapper json, DecisionLog decisionLog) {
        this.decisionLog = decisionLog;
        this.evaluator = evaluator;
        this.inventory = inventory;
        this.ledger = ledger;
        this.runner = runner;
        this.gateway = gateway;
        this.metrics = metrics;
        this.json = json;
    }

    Outcome request(MigrationRequestJson body, String requester) {
        if (body.domain() == null || body.domain().isBlank()) {
            throw new InvalidMigrationRequestException("domain", "is required: the domain's name or UUID on sourceHost");
        }
        if (body.sourceHost() == null || body.targetHost() == null) {
            throw new InvalidMigrationRequestException(body.sourceHost() == null ? "sourceHost" : "targetHost",
                    "is required: an inventory host name");
        }
        // Both hosts must be known before anything is contacted.
        InventoryHost target = inventory.require("targetHost", body.targetHost());
        inventory.require("sourceHost", body.sourceHost());
        MigrationRequest request = new MigrationRequest(body.sourceHost(), body.targetHost(),
                StorageMigration.fromRequest(body.storageMigration()), body.migrateDisks(), Boolean.TRUE.equals(body.offline()),
                body.unsafe() == null ? null : new UnsafeOverride(body.unsafe().reason()));
        if (request.override().isPresent()) {
            Caller.requireOverride();
        }
        MigrationOptions options = options(body.options());

        PreflightService.Result live = evaluator.evaluate(domainId(body.domain()), request, DecisionMetrics.Kind.MIGRATION);
        Optional<PreflightService.Result> destination = body.destinationXml() == null ? Optional.empty()
                : Optional.of(evaluator.evaluateDestination(body.destinationXml(), request));
        boolean denied = live.evaluation().decision() == Decision.DENIED
                || destination.map(d -> d.evaluation().decision() == Decision.DENIED).orElse(false);
        Decision decision = denied ? Decision.DENIED
                : Stream.concat(Stream.of(live), destination.stream()).anyMatch(
                        r -> r.evaluation().decision() == Decision.ALLOWED_UNSAFE) ? Decision.ALLOWED_UNSAFE : Decision.ALLOWED;
        List<Violation> violations = Stream.concat(Stream.of(live), destination.stream())
                .flatMap(r -> r.evaluation().violations().stream()).toList();
        List<String> reasons = Violation.reasonCodes(violations);

        Map<String, Object> evaluation = new LinkedHashMap<>();
        evaluation.put("live", PreflightResponse.of(live));
        destination.ifPresent(d -> evaluation.put("destination", PreflightResponse.of(d)));
        String decisionId = UUID.randomUUID().toString();
        String overrideReason = request.override().map(UnsafeOverride::reason).orElse(null);
        ledger.recordDecision(new DecisionRecord(decisionId, Instant.now(), "migration", requester,
                live.domain().name(), live.domain().uuid(), request.sourceHost(), request.targetHost(), decision.name(),
                live.evaluation().ruleDecision().name(),
                String.join(",", reasons),
                overrideReason, live.policyRevision(), json.writeValueAsString(body), json.writeValueAsString(evaluation)));
        JsonNode evaluationJson = json.valueToTree(evaluation);
        decisionLog.write(new DecisionLog.Entry(decisionId, Instant.now(), "migration", requester,
                DecisionLog.clientAddress(), request.sourceHost(), request.targetHost(), live.domain().name(),
                live.domain().uuid(), decision.name(), live.evaluation().ruleDecision().name(),
                live.evaluation().enforcement().value(), reasons,
                overrideReason, live.policyRevision()));

        if (denied) {
            violations.forEach(v -> metrics.denied(v.reason().name(), request.sourceHost(), request.targetHost()));
            return new Denied(decisionId, "migrating domain '" + live.domain().name() + "' from " + request.sourceHost()
                    + " to " + request.targetHost() + " is denied (" + Violation.summary(violations) + ")", evaluationJson);
        }

        boolean unsafe = live.evaluation().flags().unsafe()
                || destination.map(d -> d.evaluation().flags().unsafe()).orElse(false);
        MigrationPlan plan = MigrationPlan.of(request, new LibvirtFlags(unsafe ? MigrationFlag.UNSAFE.bit() : 0),
                options, target, body.destinationXml());
        MigrationJob queued = new MigrationJob(UUID.randomUUID().toString(), 0, decisionId, decision.name(),
                live.domain().name(), live.domain().uuid(), request.sourceHost(), request.targetHost(), JobState.QUEUED,
                requester, overrideReason, plan.flags(), json.writeValueAsString(plan), json.writeValueAsString(options),
                null, null, null, Instant.now(), null, null, null, null, false);
        MigrationJob job = ledger.insertQueued(queued).orElseThrow(() -> conflict(live.domain().uuid()));
        if (decision == Decision.ALLOWED_UNSAFE) {
            metrics.overridden(request.sourceHost(), request.targetHost());
        }
        runner.dispatchSoon();
        return new Approved(view(job, evaluationJson));
    }

    Optional<MigrationView> find(String id) {
        return ledger.find(id).map(job -> view(job, ledger.decision(job.decisionId())
                .map(d -> json.readTree(d.evaluationJson())).orElse(null)));
    }

    MigrationView.Page list(String domain, JobState state, String decision, Long beforeSeq, int limit) {
        List<MigrationJob> jobs = ledger.list(domain, state, decision, beforeSeq, limit + 1);
        boolean more = jobs.size() > limit;
        List<MigrationJob> page = more ? jobs.subList(0, limit) : jobs;
        return new MigrationView.Page(page.stream().map(job -> view(job, null)).toList(),
                more ? MigrationCursor.after(page.get(page.size() - 1).seq()) : null);
    }

    /** Aborts a running job (any replica may: libvirt's job is on the source host) or drops a queued one. */
    MigrationView cancel(String id) {
        MigrationJob job = ledger.find(id).orElseThrow(() -> notFound(id));
        if (job.state() == JobState.QUEUED && ledger.finish(id, JobState.CANCELLED, "CANCELLED", "cancelled while queued",
                null)) {
            metrics.ended(JobState.CANCELLED.name(), job.sourceHost(), job.targetHost(), null);
            return find(id).orElseThrow();
        }
        if (!ledger.requestCancel(id)) {
            MigrationJob now = ledger.find(id).orElseThrow();
            throw new ApiException(ProblemType.MIGRATION_ENDED, "migration " + id + " has already ended: " + now.state())
                    .with("state", now.state().name());
        }
        inventory.find(job.sourceHost()).ifPresent(source -> gateway.abort(source, job.domainUuid()));
        return find(id).orElseThrow();
    }

    static ApiException notFound(String id) {
        return new ApiException(ProblemType.MIGRATION_NOT_FOUND, "no migration with id " + id);
    }

    private ApiException conflict(String domainUuid) {
        String active = ledger.activeFor(domainUuid).map(MigrationJob::id).orElse("(just ended)");
        return new ApiException(ProblemType.MIGRATION_CONFLICT, "domain " + domainUuid
                + " already has an active migration: /v1/migrations/" + active).with("activeMigration", active);
    }

    private MigrationView view(MigrationJob job, JsonNode evaluation) {
        MigrationPlan plan = json.readValue(job.parametersJson(), MigrationPlan.class);
        return new MigrationView(job.id(), job.state().name(), new MigrationView.DomainRef(job.domainName(), job.domainUuid()),
                job.sourceHost(), job.targetHost(), job.decision(), job.decisionId(), job.requester(),
                job.overrideReason(), new MigrationView.Flags(job.flags(), plan.flagNames()),
                new MigrationView.Parameters(plan.destinationUri(), plan.migrateUri(), plan.listenAddress(),
                        plan.bandwidthMiBps(), plan.migrateDisks(), plan.destinationXml() == null ? null : true,
                        plan.maxDowntimeMs()),
                json.readValue(job.optionsJson(), MigrationOptions.class),
                job.progressJson() == null ? null : json.readValue(job.progressJson(), JobProgress.class),
                job.errorCode() == null ? null : new MigrationView.Error(job.errorCode(), job.errorMessage()),
                job.cancelRequested(), job.createdAt(), job.startedAt(), job.finishedAt(), evaluation);
    }

    private static DomainId domainId(String domain) {
        try {
            return new DomainId(null, UUID.fromString(domain.strip()).toString());
        } catch (IllegalArgumentException notAUuid) {
            return new DomainId(domain.strip(), null);
        }
    }

    private static MigrationOptions options(MigrationRequestJson.Options o) {
        if (o == null) {
            return MigrationOptions.DEFAULTS;
        }
        return new MigrationOptions(o.live() == null || o.live(), o.persistent() == null || o.persistent(),
                o.bandwidthMiBps(), o.maxDowntimeMs(), Boolean.TRUE.equals(o.autoConverge()),
                Boolean.TRUE.equals(o.postCopy()), Boolean.TRUE.equals(o.compressed()), Boolean.TRUE.equals(o.tls()),
                o.timeoutSeconds());
    }
}
