package io.migrationgatekeeper.migration;

import java.time.Instant;

/** One decision as the ledger keeps it: who asked what, what the rule said, under which policy. */
record DecisionRecord(
        String id,
        Instant decidedAt,
        String kind,
        String requester,
        String domainName,
        String domainUuid,
        String sourceHost,
        String targetHost,
        String decision,
        String ruleDecision,
        String reasons,
        String overrideReason,
        String policyRevision,
        String requestJson,
        String evaluationJson) {}
