package io.migrationgatekeeper.libvirt;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.migrationgatekeeper.inventory.InventoryHost;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code GET /v1/hosts/{name}}: an inventory entry with what its libvirtd last reported. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record HostStatusView(
        String name,
        String uri,
        String peerUri,
        String migrationAddress,
        Map<String, String> labels,
        String qemuDropCache,
        Boolean dropCacheApplies,
        Connection connection,
        String libvirtVersion,
        Hypervisor hypervisor,
        String hostname,
        StoragePools storagePools) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Connection(String state, Instant since, Instant lastContact, String lastError, Instant lastErrorAt) {}

    record Hypervisor(String type, String version) {}

    /**
     * The host's storage pools as its libvirtd reported them, and how each classifies.
     *
     * @param error why they could not be read this time (the pools are then those last read, if any)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StoragePools(Instant readAt, String error, List<Pool> pools) {}

    /** @param storageClass absent when it cannot be told (a netfs pool of format auto, an unknown pool type) */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Pool(String name, String type, String sourceFormat, String targetPath, boolean active, String storageClass) {}

    static HostStatusView of(InventoryHost host, HostConnection.Snapshot snapshot) {
        return of(host, snapshot, null);
    }

    /** With the pools read from the host ({@code GET /v1/hosts/{name}}). */
    static HostStatusView of(InventoryHost host, HostConnection.Snapshot snapshot, HostPools.Reading pools) {
        Versions v = snapshot.versions();
        Boolean applies = switch (host.qemuDropCache()) {
            case TRUE -> true;
            case FALSE -> false;
            case AUTO -> v == null ? null : v.qemuDropsPageCache();
        };
        return new HostStatusView(host.name(), host.displayUri(), host.displayPeerUri(), host.migrationAddress(),
                host.labels(), host.qemuDropCache().name().toLowerCase(Locale.ROOT), applies,
                new Connection(snapshot.state().name(), snapshot.since(), snapshot.lastContact(), snapshot.lastError(),
                        snapshot.lastErrorAt()),
                v == null ? null : Versions.format(v.libvirt()),
                v == null ? null : new Hypervisor(v.hypervisorType(), Versions.format(v.hypervisor())),
                v == null ? null : v.hostname(),
                pools == null ? null : new StoragePools(pools.readAt(), pools.error(), pools.pools().stream()
                        .map(p -> new Pool(p.pool().name(), p.pool().type(), p.pool().sourceFormat(), p.pool().targetPath(),
                                p.active(), p.pool().storageClass().map(c -> c.value()).orElse(null)))
                        .toList()));
    }
}
