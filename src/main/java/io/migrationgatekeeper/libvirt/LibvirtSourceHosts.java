package io.migrationgatekeeper.libvirt;

import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.inventory.QemuDropCache;
import io.migrationgatekeeper.policy.InvalidMigrationRequestException;
import io.migrationgatekeeper.policy.SourceHostFacts;
import io.migrationgatekeeper.preflight.DomainId;
import io.migrationgatekeeper.preflight.LiveDefinition;
import io.migrationgatekeeper.preflight.SourceHosts;
import java.util.List;
import java.util.UUID;
import org.libvirt.Domain;
import org.springframework.stereotype.Component;

@Component
class LibvirtSourceHosts implements SourceHosts {

    private final HostConnections connections;
    private final HostPools pools;
    private final DomainListing listing;

    LibvirtSourceHosts(HostConnections connections, HostPools pools, DomainListing listing) {
        this.connections = connections;
        this.pools = pools;
        this.listing = listing;
    }

    @Override
    public SourceHostFacts facts(InventoryHost host) {
        Versions versions = connections.snapshot(host).versions();
        if (versions == null && host.qemuDropCache() == QemuDropCache.AUTO) {
            versions = versionsIfReachable(host);
        }
        boolean dropsCache = switch (host.qemuDropCache()) {
            case TRUE -> true;
            case FALSE -> false;
            case AUTO -> versions != null && versions.qemuDropsPageCache();
        };
        // Only a detected capability is one libvirt sees itself; a forced true is the operator's word.
        boolean libvirtSeesIt = host.qemuDropCache() == QemuDropCache.AUTO && dropsCache;
        return new SourceHostFacts(dropsCache, libvirtSeesIt, versions == null || versions.acceptsUnsafeFlag(),
                pools.forRule(host));
    }

    /**
     * An unreachable host under {@code auto} is not assumed to drop the cache: the rule stays on the safe side. A host
     * whose earlier call still hangs is not asked again: every preflight naming it as source, and every fleet view of
     * it, would otherwise wait out the call timeout and leave one more thread queued behind the hung call.
     */
    private Versions versionsIfReachable(InventoryHost host) {
        return connections.hung(host) ? null : connections.probe(host).versions();
    }

    @Override
    public LiveDefinition definition(InventoryHost host, DomainId id) {
        if (id.uuid() != null) {
            try {
                UUID.fromString(id.uuid());
            } catch (IllegalArgumentException e) {
                throw new InvalidMigrationRequestException("domain.uuid", "'" + DomainId.start(id.uuid()) + "' is not a UUID");
            }
        }
        return connections.call(host, "reading the definition of domain " + id.describe(), session -> {
            Domain domain = id.uuid() != null ? session.domainByUuid(id.uuid()) : session.domainByName(id.name());
            return new LiveDefinition(host.name(), domain.getName(), domain.getUUIDString(), domain.isActive() == 1,
                    domain.getXMLDesc(0));
        });
    }

    @Override
    public List<LiveDefinition> running(InventoryHost host) {
        // Only what a drain decides on is kept: each running domain's name, UUID and live definition. The decisions
        // come after the call has returned, since deciding may ask the host itself (its facts, its pools).
        return listing.list(host, DomainListing.Selection.RUNNING, "listing the running domains",
                domain -> new LiveDefinition(host.name(), domain.name(), domain.uuid(), true, domain.xml()));
    }
}
