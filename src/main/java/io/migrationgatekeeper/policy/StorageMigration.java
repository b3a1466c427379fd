package io.migrationgatekeeper.policy;

import java.util.Arrays;
import java.util.Optional;

/** Whether QEMU copies disk contents during the migration, and the libvirt flag that asks for it. */
public enum StorageMigration {
    NONE("none", 0),
    FULL("full", MigrationFlag.NON_SHARED_DISK.bit()),
    INCREMENTAL("incremental", MigrationFlag.NON_SHARED_INC.bit());

    private final String value;
    private final int flag;

    StorageMigration(String value, int flag) {
        this.value = value;
        this.flag = flag;
    }

    public String value() {
        return value;
    }

    int flag() {
        return flag;
    }

    public boolean copiesDisks() {
        return this != NONE;
    }

    public static Optional<StorageMigration> parse(String value) {
        return Arrays.stream(values()).filter(mode -> mode.value.equals(value)).findFirst();
    }

    /**
     * A request's value; absent means {@link #NONE}.
     *
     * @throws InvalidMigrationRequestException naming {@code storageMigration} for any other value
     */
    public static StorageMigration fromRequest(String value) {
        if (value == null) {
            return NONE;
        }
        return parse(value).orElseThrow(() -> new InvalidMigrationRequestException("storageMigration",
                "'" + value + "' is not one of " + allowedValues()));
    }

    public static String allowedValues() {
        return String.join(", ", Arrays.stream(values()).map(StorageMigration::value).toList());
    }
}
