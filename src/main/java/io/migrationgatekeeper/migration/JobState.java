package io.migrationgatekeeper.migration;

import java.util.Set;

/**
 * A migration job's life: QUEUED, then RUNNING, then one of the three ends; or QUEUED straight to CANCELLED.
 * Every move is a guarded update in the ledger ({@code … WHERE state = <from>}), so of two replicas (or a cancel
 * and the dispatcher) that try to move the same job, exactly one succeeds.
 */
public enum JobState {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    boolean active() {
        return this == QUEUED || this == RUNNING;
    }

    /** The states a job in this state may move to. */
    Set<JobState> next() {
        return switch (this) {
            case QUEUED -> Set.of(RUNNING, CANCELLED);
            case RUNNING -> Set.of(SUCCEEDED, FAILED, CANCELLED);
            case SUCCEEDED, FAILED, CANCELLED -> Set.of();
        };
    }
}
