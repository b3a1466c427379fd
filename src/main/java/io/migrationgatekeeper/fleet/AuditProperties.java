package io.migrationgatekeeper.fleet;

import io.migrationgatekeeper.configuration.InvalidConfigurationException;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code gatekeeper.audit.*}: the periodic sweep of every running domain on every reachable host.
 *
 * @param enabled     whether the replica holding the fleet lease sweeps the fleet at all
 * @param interval    time from the start of one sweep to the start of the next; the first starts at start-up
 * @param concurrency hosts read and judged at once; an unreachable host holds one slot for at most the call timeout
 */
@ConfigurationProperties("gatekeeper.audit")
record AuditProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("10m") Duration interval,
        @DefaultValue("8") int concurrency) {

    AuditProperties {
        if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new InvalidConfigurationException("gatekeeper.audit.interval", "must be at least 1s");
        }
        if (concurrency < 1 || concurrency > 256) {
            throw new InvalidConfigurationException("gatekeeper.audit.concurrency", "must be between 1 and 256");
        }
    }
}
