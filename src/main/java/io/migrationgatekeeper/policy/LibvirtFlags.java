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
     * How a migration is to be performed, beyond what the rule decides.
     *
     * @param live       keep the guest running while it moves (ignored offline)
     * @param persistent define on the target and undefine on the source: the domain moves
     */
    public record Options(boolean live, boolean persistent, boolean autoConverge, boolean postCopy, boolean compressed,
            boolean tls) {

        /** A gatekeeper migration unless the caller says otherwise: live, and the domain moves. */
        public static final Options DEFAULTS = new Options(true, true, false, false, false, false);
    }

    /** The flags of a default gatekeeper migration: what a preflight shows. */
    static LibvirtFlags forMigration(MigrationRequest request, boolean unsafe) {
        return forMigration(request, Options.DEFAULTS, unsafe);
    }

    /**
     * The one place the flag word of a migration is built: always peer-to-peer (the source's libvirtd drives it);
     * live, or offline, which libvirt requires to persist the domain on the target; the storage-migration flag;
     * {@code VIR_MIGRATE_UNSAFE} exactly when the rule's evaluation asks for it; and the caller's options.
     */
    public static LibvirtFlags forMigration(MigrationRequest request, Options options, boolean unsafe) {
        int value = MigrationFlag.PEER2PEER.bit();
        if (request.offline()) {
            value |= MigrationFlag.OFFLINE.bit() | MigrationFlag.PERSIST_DEST.bit();
            if (options.persistent()) {
                value |= MigrationFlag.UNDEFINE_SOURCE.bit();
            }
        } else {
            if (options.live()) {
                value |= MigrationFlag.LIVE.bit();
            }
            if (options.persistent()) {
                value |= MigrationFlag.PERSIST_DEST.bit() | MigrationFlag.UNDEFINE_SOURCE.bit();
            }
        }
        value |= request.storageMigration().flag();
        if (unsafe) {
            value |= MigrationFlag.UNSAFE.bit();
        }
        if (options.autoConverge()) {
            value |= MigrationFlag.AUTO_CONVERGE.bit();
        }
        if (options.postCopy()) {
            value |= MigrationFlag.POSTCOPY.bit();
        }
        if (options.compressed()) {
            value |= MigrationFlag.COMPRESSED.bit();
        }
        if (options.tls()) {
            value |= MigrationFlag.TLS.bit();
        }
        return new LibvirtFlags(value);
    }
}
