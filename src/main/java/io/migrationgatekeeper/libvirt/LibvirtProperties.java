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
 * @param poolRefresh       how long the storage pools read from a host classify disks before they are read again
 */
@ConfigurationProperties("gatekeeper.libvirt")
record LibvirtProperties(
        @DefaultValue("30s") Duration callTimeout,
        @DefaultValue("5s") Duration keepaliveInterval,
        @DefaultValue("3") int keepaliveCount,
        @DefaultValue("10s") Duration retryAfter,
        @DefaultValue("60s") Duration poolRefresh) {

    LibvirtProperties {
        // Under 100 ms not even a healthy daemon on a LAN answers a first call; over 10 min a hung host holds a
        // request (and a thread) for longer than any caller waits.
        if (callTimeout.compareTo(Duration.ofMillis(100)) < 0 || callTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new InvalidConfigurationException("gatekeeper.libvirt.call-timeout",
                    "must be between 100ms and 10m, is " + callTimeout.toMillis() + "ms");
        }
        if (keepaliveInterval.toSeconds() < 1 || keepaliveInterval.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new InvalidConfigurationException("gatekeeper.libvirt.keepalive-interval",
                    "must be between 1s and 10m, is " + keepaliveInterval.toMillis() + "ms");
        }
        if (retryAfter.toSeconds() < 1 || retryAfter.compareTo(Duration.ofHours(1)) > 0) {
            throw new InvalidConfigurationException("gatekeeper.libvirt.retry-after",
                    "must be between 1s and 1h, is " + retryAfter.toMillis() + "ms");
        }
        // 0s reads the pools on every evaluation; over an hour a pool added or removed goes unseen for too long.
        if (poolRefresh.isNegative() || poolRefresh.compareTo(Duration.ofHours(1)) > 0) {
            throw new InvalidConfigurationException("gatekeeper.libvirt.pool-refresh",
                    "must be between 0s and 1h, is " + poolRefresh.toMillis() + "ms");
        }
        if (keepaliveCount < 1) {
            throw new InvalidConfigurationException("gatekeeper.libvirt.keepalive-count", "must be at least 1");
        }
    }
}
