package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.policy.LibvirtFlags;
import io.migrationgatekeeper.policy.MigrationRequest;
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

    /**
     * @param unsafe whether the rule asks for {@code VIR_MIGRATE_UNSAFE}: derived from the source's live disks only
     */
    static MigrationPlan of(MigrationRequest request, boolean unsafe, MigrationOptions options, InventoryHost target,
            String destinationXml) {
        int flags = LibvirtFlags.forMigration(request, options.flagOptions(), unsafe).value();
        String address = target.migrationAddress();
        return new MigrationPlan(target.peerUri().toString(), flags,
                address == null || request.offline() ? null : "tcp:" + bracketed(address),
                address == null || request.offline() ? null : address,
                options.bandwidthMiBps(), request.migrateDisks(), destinationXml, options.maxDowntimeMs());
    }

    /** The same plan with another destination XML: the ledger keeps the XML apart, and reads it only to send it. */
    MigrationPlan withDestinationXml(String xml) {
        return new MigrationPlan(destinationUri, flags, migrateUri, listenAddress, bandwidthMiBps, migrateDisks, xml,
                maxDowntimeMs);
    }

    private static String bracketed(String address) {
        return address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address;
    }
}
