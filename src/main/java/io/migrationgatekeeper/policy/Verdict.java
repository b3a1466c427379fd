package io.migrationgatekeeper.policy;

/** One disk's outcome. {@link #BLOCKED} cannot be overridden. */
public enum Verdict {
    SAFE,
    UNSAFE,
    BLOCKED
}
