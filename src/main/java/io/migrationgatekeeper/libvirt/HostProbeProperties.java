package io.migrationgatekeeper.libvirt;

import io.migrationgatekeeper.configuration.InvalidConfigurationException;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code gatekeeper.libvirt.probe.*}: the background probe that keeps every inventory host's connection state and
 * versions current, so {@code gatekeeper_libvirt_host_up} and {@code GET /v1/hosts} are true for hosts nobody has
 * used yet.
 *
 * @param enabled     whether hosts are probed at all; off, a host is contacted only when a request needs it
 * @param interval    how often each host is asked for its version; each host's next probe is jittered by ±20 %
 * @param concurrency hosts probed at once; an unreachable host holds one slot for at most the call timeout
 */
@ConfigurationProperties("gatekeeper.libvirt.probe")
record HostProbeProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("30s") Duration interval,
        @DefaultValue("8") int concurrency) {

    HostProbeProperties {
        if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new InvalidConfigurationException("gatekeeper.libvirt.probe.interval", "must be at least 1s");
        }
        if (concurrency < 1 || concurrency > 256) {
            throw new InvalidConfigurationException("gatekeeper.libvirt.probe.concurrency", "must be between 1 and 256");
        }
    }
}
