package io.migrationgatekeeper.libvirt;

import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.inventory.QemuDropCache;
import io.migrationgatekeeper.policy.InvalidMigrationRequestException;
import io.migrationgatekeeper.policy.SourceHostFacts;
import io.migrationgatekeeper.preflight.DomainId;
import io.migrationgatekeeper.preflight.LiveDefinition;
import io.migrationgatekeeper.preflight.SourceHosts;
import java.util.UUID;
import org.libvirt.Domain;
import org.springframework.stereotype.Component;

@Component
class LibvirtSourceHosts implements SourceHosts {

    private final HostConnections connections;

    LibvirtSourceHosts(HostConnections connections) {
        this.connections = connections;
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
        return new SourceHostFacts(dropsCache, versions == null || versions.acceptsUnsafeFlag());
    }

    /** An unreachable host under {@code auto} is not assumed to drop the cache: the rule stays on the safe side. */
    private Versions versionsIfReachable(InventoryHost host) {
        return connections.probe(host).join().versions();
    }

    @Override
    public LiveDefinition definition(InventoryHost host, DomainId id) {
        if (id.uuid() != null) {
            try {
                UUID.fromString(id.uuid());
            } catch (IllegalArgumentException e) {
                throw new InvalidMigrationRequestException("domain.uuid", "'" + id.uuid() + "' is not a UUID");
            }
        }
        return connections.call(host, "reading the definition of domain " + id.describe(), session -> {
            Domain domain = id.uuid() != null ? session.domainByUuid(id.uuid()) : session.domainByName(id.name());
            return new LiveDefinition(host.name(), domain.getName(), domain.getUUIDString(), domain.isActive() == 1,
                    domain.getXMLDesc(0));
        });
    }
}
