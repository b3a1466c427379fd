package io.migrationgatekeeper.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.migrationgatekeeper.policy.Decision;
import io.migrationgatekeeper.policy.Enforcement;
import java.time.Instant;
import java.util.List;

/**
 * One migration decision as the ledger keeps it: who asked what, what the rule said, under which policy. One row
 * per request, bounded in size.
 *
 * @param requestId  the id of the HTTP request that asked (X-Request-Id, or generated): its log lines carry it too;
 *                   null for rows written before the ledger kept it
 * @param reasons    the distinct reason codes of the violations, in order of appearance
 * @param evaluation null for rows written before the ledger kept compact evaluations
 */
record DecisionRecord(
        String id,
        Instant decidedAt,
        String requester,
        String requestId,
        String domainName,
        String domainUuid,
        String sourceHost,
        String targetHost,
        Decision decision,
        Decision ruleDecision,
        Enforcement enforcement,
        List<String> reasons,
        String overrideReason,
        String policyRevision,
        RequestRecord request,
        EvaluationRecord evaluation) {

    /**
     * What was asked, compactly: the destination XML itself goes to the job (it is sent to libvirt), the decision
     * keeps its digest and size.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RequestRecord(String domain, String storageMigration, List<String> migrateDisks, boolean offline,
            MigrationOptions options, DestinationXml destinationXml) {}

    record DestinationXml(String sha256, int bytes) {}

    boolean denied() {
        return decision == Decision.DENIED;
    }

    /** The one-line detail of a denial: {@code … is denied (vda: STORAGE_NOT_SHARED, …)}. */
    String denialDetail() {
        StringBuilder summary = new StringBuilder();
        if (evaluation != null) {
            for (EvaluationRecord.Side side : evaluation.destination() == null ? List.of(evaluation.live())
                    : List.of(evaluation.live(), evaluation.destination())) {
                for (EvaluationRecord.ViolationRecord v : side.violations()) {
                    if (summary.length() > 1000) {
                        summary.append(", …");
                        break;
                    }
                    summary.append(summary.isEmpty() ? "" : ", ").append(v.disk()).append(": ").append(v.reason());
                }
            }
        } else {
            summary.append(String.join(", ", reasons));
        }
        return "migrating domain '" + domainName + "' from " + sourceHost + " to " + targetHost + " is denied ("
                + summary + ")";
    }
}
