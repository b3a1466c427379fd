package io.migrationgatekeeper.libvirt;

import io.migrationgatekeeper.inventory.HostInventory;
import io.migrationgatekeeper.inventory.InventoryHost;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code /actuator/health/libvirt/<host>}: each host's last known connection state. Reading it never contacts a
 * host, and it is in neither probe group: one host down must not restart or unready the gatekeeper.
 */
@Configuration(proxyBeanMethods = false)
class HostsHealth {

    @Bean
    CompositeHealthContributor libvirtHealthContributor(HostInventory inventory, HostConnections connections) {
        Map<String, HealthContributor> hosts = new LinkedHashMap<>();
        for (InventoryHost host : inventory.all()) {
            hosts.put(host.name(), (HealthIndicator) () -> health(connections.snapshot(host)));
        }
        return CompositeHealthContributor.fromMap(hosts);
    }

    private static Health health(HostConnection.Snapshot snapshot) {
        Health.Builder builder = switch (snapshot.state()) {
            case CONNECTED -> Health.up();
            case DISCONNECTED -> Health.down();
            case IDLE -> Health.unknown();
        };
        builder.withDetail("state", snapshot.state().name()).withDetail("since", snapshot.since().toString());
        if (snapshot.lastError() != null) {
            builder.withDetail("lastError", snapshot.lastError());
        }
        if (snapshot.versions() != null) {
            builder.withDetail("libvirtVersion", Versions.format(snapshot.versions().libvirt()));
        }
        return builder.build();
    }
}
