package io.migrationgatekeeper.migration;

/** A migration job's life: QUEUED, RUNNING, then one of the three ends. */
public enum JobState {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    boolean active() {
        return this == QUEUED || this == RUNNING;
    }
}
