package io.migrationgatekeeper.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/** One recorded decision as {@code GET /v1/decisions} shows it (openapi.yaml {@code RecordedDecision}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
record DecisionView(
        String id,
        String kind,
        Instant decidedAt,
        String requester,
        MigrationView.DomainRef domain,
        String sourceHost,
        String targetHost,
        String decision,
        String ruleDecision,
        String enforcement,
        List<String> reasons,
        String overrideReason,
        String policyRevision) {

    record Page(List<DecisionView> items, String nextCursor) {}

    static DecisionView of(Ledger.RecordedDecision row) {
        DecisionRecord d = row.record();
        return new DecisionView(d.id(), row.kind(), d.decidedAt(), d.requester(),
                new MigrationView.DomainRef(d.domainName(), d.domainUuid()), d.sourceHost(), d.targetHost(),
                d.decision().name(), d.ruleDecision().name(), d.enforcement().value(), d.reasons(), d.overrideReason(),
                d.policyRevision());
    }
}
