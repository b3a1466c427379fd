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
        if (offline && storageMigration.copiesDisks()) {
            // libvirt 9.0: "Requested operation is not valid: offline migration cannot handle non-shared storage".
            throw new InvalidMigrationRequestException("offline", "an offline migration cannot copy storage (libvirt:"
                    + " \"Requested operation is not valid: offline migration cannot handle non-shared storage\");"
                    + " use storageMigration none, or migrate live");
        }
        if (migrateDisks != null) {
            if (migrateDisks.isEmpty()) {
                // libvirt has no empty list: an absent migrate_disks means "copy every eligible disk".
                throw new InvalidMigrationRequestException("migrateDisks", "is empty, which libvirt cannot express: omit"
                        + " migrateDisks to copy every eligible disk, or name at least one disk");
            }
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
