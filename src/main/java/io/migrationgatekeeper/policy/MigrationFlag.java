package io.migrationgatekeeper.policy;

/** libvirt's {@code virDomainMigrateFlags}, by the bit each sets. */
public enum MigrationFlag {
    LIVE(1),
    PEER2PEER(1 << 1),
    TUNNELLED(1 << 2),
    PERSIST_DEST(1 << 3),
    UNDEFINE_SOURCE(1 << 4),
    PAUSED(1 << 5),
    NON_SHARED_DISK(1 << 6),
    NON_SHARED_INC(1 << 7),
    CHANGE_PROTECTION(1 << 8),
    UNSAFE(1 << 9),
    OFFLINE(1 << 10),
    COMPRESSED(1 << 11),
    ABORT_ON_ERROR(1 << 12),
    AUTO_CONVERGE(1 << 13),
    RDMA_PIN_ALL(1 << 14),
    POSTCOPY(1 << 15),
    TLS(1 << 16),
    PARALLEL(1 << 17);

    private final int bit;

    MigrationFlag(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }

    public String libvirtName() {
        return "VIR_MIGRATE_" + (this == TUNNELLED ? "TUNNELLED" : name());
    }
}
