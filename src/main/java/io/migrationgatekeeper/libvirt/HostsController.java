package io.migrationgatekeeper.libvirt;

import io.migrationgatekeeper.inventory.HostInventory;
import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.problem.ApiException;
import io.migrationgatekeeper.problem.ProblemType;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The inventory with each host's connection state as the background probe ({@link HostProbe}) last saw it. The list
 * never contacts a host, so 500 hosts answer at once whatever state they are in; one connected host also shows its
 * storage pools, read from it at most once per {@code pool-refresh}.
 */
@RestController
class HostsController {

    private final HostInventory inventory;
    private final HostConnections connections;
    private final HostPools pools;

    HostsController(HostInventory inventory, HostConnections connections, HostPools pools) {
        this.inventory = inventory;
        this.connections = connections;
        this.pools = pools;
    }

    @GetMapping(path = "/v1/hosts", produces = MediaType.APPLICATION_JSON_VALUE)
    List<HostStatusView> hosts() {
        connections.requireNativeLibrary();
        return inventory.all().stream().map(host -> HostStatusView.of(host, connections.snapshot(host))).toList();
    }

    @GetMapping(path = "/v1/hosts/{name}", produces = MediaType.APPLICATION_JSON_VALUE)
    HostStatusView host(@PathVariable String name) {
        InventoryHost host = inventory.find(name).orElseThrow(() -> new ApiException(ProblemType.HOST_NOT_FOUND,
                "'" + name + "' is not in the host inventory (gatekeeper.hosts)"));
        connections.requireNativeLibrary();
        HostConnection.Snapshot snapshot = connections.snapshot(host);
        HostPools.Reading storage = snapshot.state() == ConnectionState.CONNECTED ? pools.read(host) : null;
        return HostStatusView.of(host, snapshot, storage);
    }
}
