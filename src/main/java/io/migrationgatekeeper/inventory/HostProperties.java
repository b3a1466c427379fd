package io.migrationgatekeeper.inventory;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code gatekeeper.hosts.<name>.*}: the hosts requests may name. Only these are ever contacted.
 *
 * @param hosts the host inventory by name: uri (required), peer-uri, migration-address, qemu-drop-cache
 *              (true, false, auto) and labels of each host
 */
@ConfigurationProperties("gatekeeper")
record HostProperties(Map<String, Host> hosts) {

    HostProperties {
        hosts = hosts == null ? Map.of() : Map.copyOf(hosts);
    }

    /**
     * @param uri              how the gatekeeper reaches the host's libvirtd
     * @param peerUri          how another host's libvirtd reaches this one for a peer-to-peer migration
     * @param migrationAddress the address QEMU listens on here for incoming migration data
     * @param qemuDropCache    feeds step 11 of the rule
     * @param labels           free key/values, such as cluster: a
     */
    record Host(String uri, String peerUri, String migrationAddress, Map<String, String> labels,
            @DefaultValue("false") QemuDropCache qemuDropCache) {

        Host {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
    }
}
