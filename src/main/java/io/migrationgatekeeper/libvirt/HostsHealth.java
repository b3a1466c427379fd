package io.migrationgatekeeper.libvirt;

import io.migrationgatekeeper.inventory.HostInventory;
import io.migrationgatekeeper.inventory.InventoryHost;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health/libvirt}: how many inventory hosts are in each connection state, from what the probe last
 * saw (reading it never contacts a host). It is always UP: with hundreds of hosts some host is always down, and that
 * is a fact about the fleet ({@code GET /v1/hosts}, {@code gatekeeper_libvirt_host_up}, the
 * {@code LibvirtHostUnreachable} alert), not about this service, so it must not turn the service's health DOWN. It is
 * in neither probe group, and there is no contributor per host: anonymous scrapers must not learn the inventory.
 */
@Component("libvirtHealthIndicator")
class HostsHealth implements HealthIndicator {

    private final HostInventory inventory;
    private final HostConnections connections;

    HostsHealth(HostInventory inventory, HostConnections connections) {
        this.inventory = inventory;
        this.connections = connections;
    }

    @Override
    public Health health() {
        Map<ConnectionState, Integer> counts = new EnumMap<>(ConnectionState.class);
        for (ConnectionState state : ConnectionState.values()) {
            counts.put(state, 0);
        }
        for (InventoryHost host : inventory.all()) {
            counts.merge(connections.snapshot(host).state(), 1, Integer::sum);
        }
        return Health.up()
                .withDetail("hosts", inventory.all().size())
                .withDetail("connected", counts.get(ConnectionState.CONNECTED))
                .withDetail("disconnected", counts.get(ConnectionState.DISCONNECTED))
                .withDetail("idle", counts.get(ConnectionState.IDLE))
                .build();
    }
}
