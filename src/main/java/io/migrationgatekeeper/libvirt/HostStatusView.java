package io.migrationgatekeeper.libvirt;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.migrationgatekeeper.inventory.InventoryHost;
import java.time.Instant;
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
        String hostname) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Connection(String state, Instant since, String lastError) {}

    record Hypervisor(String type, String version) {}

    static HostStatusView of(InventoryHost host, HostConnection.Snapshot snapshot) {
        Versions v = snapshot.versions();
        Boolean applies = switch (host.qemuDropCache()) {
            case TRUE -> true;
            case FALSE -> false;
            case AUTO -> v == null ? null : v.qemuDropsPageCache();
        };
        return new HostStatusView(host.name(), host.displayUri(), host.displayPeerUri(), host.migrationAddress(),
                host.labels(), host.qemuDropCache().name().toLowerCase(Locale.ROOT), applies,
                new Connection(snapshot.state().name(), snapshot.since(), snapshot.lastError()),
                v == null ? null : Versions.format(v.libvirt()),
                v == null ? null : new Hypervisor(v.hypervisorType(), Versions.format(v.hypervisor())),
                v == null ? null : v.hostname());
    }
}
