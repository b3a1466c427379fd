package io.migrationgatekeeper.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A drain as the API shows it (openapi.yaml {@code Drain}): the plan made when it started, each domain's job as it
 * is now, and the totals. A dry run has the same shape, without an id or jobs.
 *
 * @param state PLANNED (a dry run), RUNNING while a job is queued or running, CANCELLING after a cancel until they
 *              have ended, then DONE or CANCELLED
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record DrainView(
        String id,
        String state,
        boolean dryRun,
        String sourceHost,
        List<String> targetHosts,
        List<String> unavailableTargets,
        String storageMigration,
        String requester,
        String overrideReason,
        Instant createdAt,
        Instant cancelledAt,
        Totals totals,
        List<Entry> domains) {

    /**
     * @param movable  domains the plan moves (each got a job, unless a dry run)
     * @param blocked  domains the rule denies: they stay
     * @param busy     domains that already had an active migration: the drain left them to it
     * @param moved    jobs that SUCCEEDED: the domain runs on its target
     */
    record Totals(int domains, int movable, int blocked, int busy, int pending, int moved, int failed, int cancelled) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Entry(MigrationView.DomainRef domain, String decision, List<String> reasons,
            List<DrainRecord.Problem> violations, String targetHost, String decisionId, String migrationId,
            String migrationState, MigrationView.Error error, String activeMigration) {}

    static DrainView of(DrainRecord drain, List<MigrationJob> jobs, boolean dryRun) {
        Map<String, MigrationJob> byId = new HashMap<>();
        jobs.forEach(job -> byId.put(job.id(), job));
        int movable = 0;
        int blocked = 0;
        int busy = 0;
        int pending = 0;
        int moved = 0;
        int failed = 0;
        int cancelled = 0;
        List<Entry> entries = new java.util.ArrayList<>();
        for (DrainRecord.Entry e : drain.plan().domains()) {
            MigrationJob job = e.migrationId() == null ? null : byId.get(e.migrationId());
            if (e.activeMigration() != null) {
                busy++;
            } else if (e.movable()) {
                movable++;
            } else {
                blocked++;
            }
            if (job != null) {
                switch (job.state()) {
                    case QUEUED, RUNNING -> pending++;
                    case SUCCEEDED -> moved++;
                    case FAILED -> failed++;
                    case CANCELLED -> cancelled++;
                }
            }
            entries.add(new Entry(new MigrationView.DomainRef(e.name(), e.uuid()), e.decision(), e.reasons(),
                    e.violations(), e.targetHost(), e.decisionId(), e.migrationId(),
                    job == null ? null : job.state().name(),
                    job == null || job.error() == null ? null : new MigrationView.Error(job.error().code(),
                            job.error().message()),
                    e.activeMigration()));
        }
        String state;
        if (dryRun) {
            state = "PLANNED";
        } else if (pending > 0) {
            state = drain.cancelledAt() == null ? "RUNNING" : "CANCELLING";
        } else {
            state = drain.cancelledAt() == null ? "DONE" : "CANCELLED";
        }
        return new DrainView(drain.id(), state, dryRun, drain.sourceHost(), drain.plan().targetHosts(),
                drain.plan().unavailableTargets() == null || drain.plan().unavailableTargets().isEmpty() ? null
                        : drain.plan().unavailableTargets(),
                drain.plan().storageMigration(), drain.requester(), drain.overrideReason(), dryRun ? null : drain.createdAt(),
                drain.cancelledAt(), new Totals(entries.size(), movable, blocked, busy, pending, moved, failed, cancelled),
                entries);
    }
}
