package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.policy.LibvirtFlags;
import io.migrationgatekeeper.policy.MigrationFlag;
import io.migrationgatekeeper.policy.MigrationRequest;
import io.migrationgatekeeper.policy.StorageMigration;
import java.util.List;

/**
 * Exactly what is sent to the source's libvirtd: {@code virDomainMigrateToURI3(dconnuri, params, flags)}.
 *
 * @param destinationUri the target's peer URI, which the source's libvirtd connects to (peer-to-peer)
 * @param migrateUri     {@code migrate_uri}: where QEMU sends the data, from the target's migration-address
 */
public record MigrationPlan(
        String destinationUri,
        int flags,
        String migrateUri,
        String listenAddress,
        Long bandwidthMiBps,
        List<String> migrateDisks,
        String destinationXml,
        Long maxDowntimeMs) {

    static MigrationPlan of(MigrationRequest request, LibvirtFlags evaluated, MigrationOptions options,
            InventoryHost target, String destinationXml) {
        int flags = MigrationFlag.PEER2PEER.bit();
        if (request.offline()) {
            // libvirt: an offline migration must persist the domain and cannot be live.
            flags |= MigrationFlag.OFFLINE.bit() | MigrationFlag.PERSIST_DEST.bit();
            if (options.persistent()) {
                flags |= MigrationFlag.UNDEFINE_SOURCE.bit();
            }
        } else {
            if (options.live()) {
                flags |= MigrationFlag.LIVE.bit();
            }
            if (options.persistent()) {
                flags |= MigrationFlag.PERSIST_DEST.bit() | MigrationFlag.UNDEFINE_SOURCE.bit();
            }
        }
        if (request.storageMigration() == StorageMigration.FULL) {
            flags |= MigrationFlag.NON_SHARED_DISK.bit();
        } else if (request.storageMigration() == StorageMigration.INCREMENTAL) {
            flags |= MigrationFlag.NON_SHARED_INC.bit();
        }
        // The rule alone decides VIR_MIGRATE_UNSAFE (and already left it out for a libvirt that predates it).
        if (evaluated.unsafe()) {
            flags |= MigrationFlag.UNSAFE.bit();
        }
        if (options.autoConverge()) {
            flags |= MigrationFlag.AUTO_CONVERGE.bit();
        }
        if (options.postCopy()) {
            flags |= MigrationFlag.POSTCOPY.bit();
        }
        if (options.compressed()) {
            flags |= MigrationFlag.COMPRESSED.bit();
        }
        if (options.tls()) {
            flags |= MigrationFlag.TLS.bit();
        }
        String address = target.migrationAddress();
        return new MigrationPlan(target.peerUri().toString(), flags,
                address == null || request.offline() ? null : "tcp:" + bracketed(address),
                address == null || request.offline() ? null : address,
                options.bandwidthMiBps(), request.migrateDisks(), destinationXml, options.maxDowntimeMs());
    }

    private static String bracketed(String address) {
        return address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address;
    }

    List<String> flagNames() {
        return new LibvirtFlags(flags).flags().stream().map(MigrationFlag::libvirtName).toList();
    }
}
