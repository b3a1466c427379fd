package io.migrationgatekeeper.migration;

import java.time.Instant;

/**
 * A migration job as the ledger holds it, typed: what is sent to libvirt ({@code plan}), how ({@code options}),
 * and how far it got.
 *
 * @param seq             arrival order, for dispatching and paging
 * @param requestId       the id of the HTTP request that queued it: put in the MDC while the job runs, so the
 *                        background migration's log lines carry it; null for jobs queued before it was kept
 * @param owner           the replica running or watching it, while RUNNING
 * @param plan            with its destination XML only when read whole ({@link Ledger#find}); lists and scans leave
 *                        it out
 * @param sendsDestinationXml whether the plan sends a destination XML, whether or not it was read
 * @param cancelRequested a cancel arrived while it was RUNNING; the owner aborts it in libvirt
 */
record MigrationJob(
        String id,
        long seq,
        String decisionId,
        String decision,
        String domainName,
        String domainUuid,
        String sourceHost,
        String targetHost,
        JobState state,
        String requester,
        String requestId,
        String overrideReason,
        MigrationPlan plan,
        boolean sendsDestinationXml,
        MigrationOptions options,
        JobProgress progress,
        JobError error,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        String owner,
        Instant heartbeatAt,
        boolean cancelRequested) {

    /** Why a job ended FAILED or CANCELLED: libvirt's code ({@code VIR_ERR_…}) or the gatekeeper's. */
    record JobError(String code, String message) {

        /** What the ledger keeps of a message (libvirt's can carry a whole QEMU log line). */
        static final int MAX_MESSAGE = 4000;

        JobError {
            if (message != null && message.length() > MAX_MESSAGE) {
                message = message.substring(0, MAX_MESSAGE - 1) + "…";
            }
        }
    }

    /** A new job, waiting for its source host's slot. */
    static MigrationJob queued(String id, MigrationDecision decision, Instant now) {
        return new MigrationJob(id, 0, decision.id(), decision.decision().name(), decision.domainName(),
                decision.domainUuid(), decision.sourceHost(), decision.targetHost(), JobState.QUEUED,
                decision.requester(), decision.record().requestId(), decision.overrideReason(), decision.plan(),
                decision.plan().destinationXml() != null, decision.options(), null, null, now,
                null, null, null, null, false);
    }
}
