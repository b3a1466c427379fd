package io.migrationgatekeeper.policy;

/** A caller's request to migrate despite unsafe disks; the reason is what the audit trail keeps. */
public record UnsafeOverride(String reason) {

    /** What the decision log and the ledger keep of a reason. */
    public static final int MAX_REASON = 2000;

    public UnsafeOverride {
        if (reason == null || reason.isBlank()) {
            throw new InvalidMigrationRequestException("unsafe.reason", "an unsafe override needs a non-empty reason");
        }
        if (reason.indexOf('\0') >= 0) {
            // PostgreSQL, the production ledger, refuses NUL in text: it would be a 500 after the decision.
            throw new InvalidMigrationRequestException("unsafe.reason", "may not contain a NUL character");
        }
        reason = reason.strip();
        if (reason.length() > MAX_REASON) {
            throw new InvalidMigrationRequestException("unsafe.reason", "is " + reason.length()
                    + " characters; an audit reason may have at most " + MAX_REASON + " (name a ticket, not a story)");
        }
    }
}
