package io.migrationgatekeeper.libvirt;

import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.inventory.QemuDropCache;
import io.migrationgatekeeper.policy.InvalidMigrationRequestException;
import io.migrationgatekeeper.policy.SourceHostFacts;
import io.migrationgatekeeper.preflight.DomainId;
import io.migrationgatekeeper.preflight.LiveDefinition;
import io.migrationgatekeeper.preflight.SourceHosts;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.libvirt.Domain;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.springframework.stereotype.Component;

@Component
class LibvirtSourceHosts implements SourceHosts {

    private final HostConnections connections;
    private final HostPools pools;

    LibvirtSourceHosts(HostConnections connections, HostPools pools) {
        this.connections = connections;
        this.pools = pools;
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

    /** An unreachable host under {@code auto} is not assumed to drop the cache: the rule stays on the safe side. */
    private Versions versionsIfReachable(InventoryHost host) {
        return connections.probe(host).versions();
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

    /** {@code VIR_CONNECT_LIST_DOMAINS_ACTIVE}. */
    private static final int ACTIVE = 1;

    @Override
    public List<LiveDefinition> running(InventoryHost host) {
        return connections.call(host, "listing the running domains", session -> {
            List<LiveDefinition> running = new ArrayList<>();
            for (Domain domain : session.allDomains(ACTIVE)) {
                try {
                    running.add(new LiveDefinition(host.name(), domain.getName(), domain.getUUIDString(), true,
                            domain.getXMLDesc(0)));
                } catch (LibvirtException e) {
                    // It stopped (or migrated away) between the listing and the read: it no longer runs here.
                    if (HostConnections.code(e) != ErrorNumber.VIR_ERR_NO_DOMAIN) {
                        throw e;
                    }
                }
            }
            return running;
        });
    }
}
