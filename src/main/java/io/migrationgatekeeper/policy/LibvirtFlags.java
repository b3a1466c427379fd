package io.migrationgatekeeper.policy;

import java.util.Arrays;
import java.util.List;

/** The {@code virDomainMigrateFlags} a migration would be sent with. */
public record LibvirtFlags(int value) {

    public boolean unsafe() {
        return has(MigrationFlag.UNSAFE);
    }

    public boolean has(MigrationFlag flag) {
        return (value & flag.bit()) != 0;
    }

    public List<MigrationFlag> flags() {
        return Arrays.stream(MigrationFlag.values()).filter(this::has).toList();
    }

    /**
     * The flags of a default gatekeeper migration: peer-to-peer and persistent (the domain moves: defined on
     * the target, undefined on the source), live unless offline.
     */
    static LibvirtFlags forMigration(MigrationRequest request, boolean unsafe) {
        int value = MigrationFlag.PEER2PEER.bit() | MigrationFlag.PERSIST_DEST.bit() | MigrationFlag.UNDEFINE_SOURCE.bit();
        value |= request.offline() ? MigrationFlag.OFFLINE.bit() : MigrationFlag.LIVE.bit();
        value |= request.storageMigration().flag();
        if (unsafe) {
            value |= MigrationFlag.UNSAFE.bit();
        }
        return new LibvirtFlags(value);
    }
}
