package io.migrationgatekeeper.policy;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * What the caller wants to do with the domain.
 *
 * @param sourceHost   inventory name of the host the domain runs on; null when unknown (a bare XML preflight)
 * @param migrateDisks the disks to copy, by target dev; null when the caller gave no list
 * @param unsafeOverride null unless the caller asked to migrate despite unsafe disks
 */
public record MigrationRequest(
        String sourceHost,
        String targetHost,
        StorageMigration storageMigration,
        List<String> migrateDisks,
        boolean offline,
        UnsafeOverride unsafeOverride) {

    public MigrationRequest {
        if (storageMigration == null) {
            storageMigration = StorageMigration.NONE;
        }
        if (migrateDisks != null) {
            if (!storageMigration.copiesDisks()) {
                throw new InvalidMigrationRequestException("migrateDisks",
                        "is only valid with storageMigration full or incremental (libvirt's migrate_disks"
                                + " parameter needs VIR_MIGRATE_NON_SHARED_DISK or VIR_MIGRATE_NON_SHARED_INC)");
            }
            for (String dev : migrateDisks) {
                if (dev == null || dev.isBlank()) {
                    throw new InvalidMigrationRequestException("migrateDisks", "contains an empty disk name");
                }
            }
            migrateDisks = List.copyOf(new LinkedHashSet<>(migrateDisks));
        }
        if (sourceHost != null && sourceHost.equals(targetHost)) {
            throw new InvalidMigrationRequestException("targetHost", "must differ from sourceHost '" + sourceHost + "'");
        }
    }

    public static MigrationRequest plain() {
        return new MigrationRequest(null, null, StorageMigration.NONE, null, false, null);
    }

    public Optional<UnsafeOverride> override() {
        return Optional.ofNullable(unsafeOverride);
    }
}
