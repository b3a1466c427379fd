package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.policy.Decision;

/**
 * A decided migration request: the ledger's record of it and, when it is approved, exactly what libvirt will be
 * sent.
 *
 * @param plan null when the request is denied
 */
record MigrationDecision(DecisionRecord record, MigrationPlan plan, MigrationOptions options) {

    String id() {
        return record.id();
    }

    Decision decision() {
        return record.decision();
    }

    boolean denied() {
        return record.denied();
    }

    String requester() {
        return record.requester();
    }

    String domainName() {
        return record.domainName();
    }

    String domainUuid() {
        return record.domainUuid();
    }

    String sourceHost() {
        return record.sourceHost();
    }

    String targetHost() {
        return record.targetHost();
    }

    String overrideReason() {
        return record.overrideReason();
    }
}
