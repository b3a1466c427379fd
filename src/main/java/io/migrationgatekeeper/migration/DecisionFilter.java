package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.policy.Decision;
import java.time.Instant;

/**
 * What {@code GET /v1/decisions} narrows the ledger to; every field is optional. A domain is matched by UUID when
 * the caller gave a UUID, by name otherwise (exactly one of the two is set).
 */
record DecisionFilter(Decision decision, String sourceHost, String targetHost, String domainName, String domainUuid,
        Instant since) {}
