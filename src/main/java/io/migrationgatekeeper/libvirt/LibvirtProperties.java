package io.migrationgatekeeper.libvirt;

import io.migrationgatekeeper.configuration.InvalidConfigurationException;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code gatekeeper.libvirt.*}.
 *
 * @param callTimeout       bound on every libvirt call, connecting included: a hung daemon never holds a request
 * @param keepaliveInterval seconds between libvirt keepalive probes on an idle connection
 * @param keepaliveCount    unanswered probes after which libvirt closes the connection
 * @param retryAfter        what a 503 for an unreachable host advises
 */
@ConfigurationProperties("gatekeeper.libvirt")
record LibvirtProperties(
        @DefaultValue("30s") Duration callTimeout,
        @DefaultValue("5s") Duration keepaliveInterval,
        @DefaultValue("3") int keepaliveCount,
        @DefaultValue("10s") Duration retryAfter) {

    LibvirtProperties {
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new InvalidConfigurationException("gatekeeper.libvirt.call-timeout", "must be positive");
        }
        if (keepaliveInterval.toSeconds() < 1) {
            throw new InvalidConfigurationException("gatekeeper.libvirt.keepalive-interval", "must be at least 1s");
        }
        if (keepaliveCount < 1) {
            throw new InvalidConfigurationException("gatekeeper.libvirt.keepalive-count", "must be at least 1");
        }
    }
}
