package io.migrationgatekeeper.policy;

/** A caller's request to migrate despite unsafe disks; the reason is what the audit trail keeps. */
public record UnsafeOverride(String reason) {

    public UnsafeOverride {
        if (reason == null || reason.isBlank()) {
            throw new InvalidMigrationRequestException("unsafe.reason", "an unsafe override needs a non-empty reason");
        }
        reason = reason.strip();
    }
}
