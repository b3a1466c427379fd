package io.migrationgatekeeper.policy;

/** The domain-level answer. */
public enum Decision {
    ALLOWED,
    DENIED,
    /** Some disks are unsafe, and the caller took responsibility with a valid override. */
    ALLOWED_UNSAFE
}
