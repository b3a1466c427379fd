package io.migrationgatekeeper.libvirt;

import io.migrationgatekeeper.inventory.HostInventory;
import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.problem.ApiException;
import io.migrationgatekeeper.problem.ProblemType;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** The inventory with live connection state: each listed host is probed (in parallel, bounded by the call timeout). */
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
        List<InventoryHost> hosts = List.copyOf(inventory.all());
        List<CompletableFuture<HostConnection.Snapshot>> probes = hosts.stream().map(connections::probe).toList();
        return java.util.stream.IntStream.range(0, hosts.size())
                .mapToObj(i -> HostStatusView.of(hosts.get(i), probes.get(i).join())).toList();
    }

    @GetMapping(path = "/v1/hosts/{name}", produces = MediaType.APPLICATION_JSON_VALUE)
    HostStatusView host(@PathVariable String name) {
        InventoryHost host = inventory.find(name).orElseThrow(() -> new ApiException(ProblemType.HOST_NOT_FOUND,
                "'" + name + "' is not in the host inventory (gatekeeper.hosts)"));
        connections.requireNativeLibrary();
        HostConnection.Snapshot snapshot = connections.probe(host).join();
        HostPools.Reading storage = snapshot.state() == ConnectionState.CONNECTED ? pools.read(host) : null;
        return HostStatusView.of(host, connections.snapshot(host), storage);
    }
}
