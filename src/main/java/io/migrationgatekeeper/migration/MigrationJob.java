package io.migrationgatekeeper.migration;

import java.time.Instant;

/** A migration job as the ledger holds it. JSON columns are kept as written. */
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
        String overrideReason,
        int flags,
        String parametersJson,
        String optionsJson,
        String progressJson,
        String errorCode,
        String errorMessage,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        String owner,
        Instant heartbeatAt,
        boolean cancelRequested) {}
