package io.migrationgatekeeper.policy;

/** Things the caller should know that do not change the decision. */
public enum WarningCode {
    /** Enforcement is {@code warn}: the rule denies, the migration is let through. */
    WOULD_DENY,
    /** An override was given but every disk is safe, so it was not used. */
    OVERRIDE_NOT_NEEDED,
    /** An override was given but a disk is blocked, which no override lifts. */
    OVERRIDE_CANNOT_LIFT_BLOCK,
    /** A disk passes this policy but libvirt will refuse it as local storage (require-shared-storage is off). */
    LIBVIRT_WILL_REFUSE,
    /** The flag would be needed, but the source's libvirt is older than 0.9.11 and would reject it. */
    UNSAFE_FLAG_NOT_SUPPORTED
}
