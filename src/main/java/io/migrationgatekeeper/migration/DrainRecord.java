package io.migrationgatekeeper.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A started drain as the ledger keeps it: who asked, and the plan made when it started. Its jobs are ordinary
 * migration jobs that name the drain; their states are read from them, never copied here.
 *
 * @param cancelledAt when a cancel was asked for; null while nobody cancelled it
 */
record DrainRecord(String id, Instant createdAt, String requester, String sourceHost, String overrideReason,
        Instant cancelledAt, Plan plan) {

    /**
     * @param targetHosts        the hosts the drain could move domains to, in the order they were given (or the
     *                           inventory's)
     * @param unavailableTargets those of them whose last contact failed: no domain was sent there
     * @param domains            every domain that ran on the source when the drain was planned
     */
    record Plan(List<String> targetHosts, List<String> unavailableTargets, String storageMigration,
            List<Entry> domains) {}

    /**
     * One running domain's part in the drain.
     *
     * @param targetHost  where it goes; null when it stays (blocked or busy)
     * @param decisionId  the ledger's decision (null in a dry run, and for a busy domain)
     * @param migrationId the job moving it (null when it stays, and in a dry run)
     * @param activeMigration a migration of the domain that was already active, so the drain left it alone
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Entry(String name, String uuid, String decision, List<String> reasons, List<Problem> violations,
            String targetHost, String decisionId, String migrationId, String activeMigration) {

        boolean movable() {
            return targetHost != null;
        }
    }

    /** A violation, compactly: the disk and the reason code, with libvirt's wording. */
    record Problem(String disk, String reason, String message) {}
}
