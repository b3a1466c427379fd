package io.migrationgatekeeper.libvirt;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code gatekeeper.hosts.<name>.*}: the hosts requests may name. Only these are ever contacted.
 *
 * @param hosts by inventory name
 */
@ConfigurationProperties("gatekeeper")
record HostProperties(Map<String, Host> hosts) {

    HostProperties {
        hosts = hosts == null ? Map.of() : Map.copyOf(hosts);
    }

    /**
     * @param qemuDropCache the host's QEMU (4.0 or later) drops the page cache on migration: feeds step 11
     * @param labels        free key/values (e.g. {@code cluster: a}), shown to operators
     */
    record Host(boolean qemuDropCache, Map<String, String> labels) {

        Host {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
    }
}
