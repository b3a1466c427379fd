package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.configuration.InvalidConfigurationException;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code gatekeeper.migrations.*}.
 *
 * @param maxOutboundPerHost migrations running at once from one source host; more wait QUEUED in arrival order
 * @param maxActive          migrations running at once across the fleet (all replicas)
 * @param pollInterval       how often a running job's progress is read from libvirt
 * @param orphanAfter        a RUNNING job whose replica has not reported for this long is reconciled with libvirt;
 *                           it must exceed {@code gatekeeper.libvirt.call-timeout} plus two poll intervals
 * @param maxBodyBytes       largest {@code POST /v1/migrations} body read (it may carry a destination XML)
 */
@ConfigurationProperties("gatekeeper.migrations")
record MigrationProperties(
        @DefaultValue("1") int maxOutboundPerHost,
        @DefaultValue("8") int maxActive,
        @DefaultValue("500ms") Duration pollInterval,
        @DefaultValue("60s") Duration orphanAfter,
        @DefaultValue("1MB") DataSize maxBodyBytes) {

    MigrationProperties {
        if (maxOutboundPerHost < 1) {
            throw new InvalidConfigurationException("gatekeeper.migrations.max-outbound-per-host", "must be at least 1");
        }
        if (maxActive < 1) {
            throw new InvalidConfigurationException("gatekeeper.migrations.max-active", "must be at least 1");
        }
        if (pollInterval.toMillis() < 50) {
            throw new InvalidConfigurationException("gatekeeper.migrations.poll-interval", "must be at least 50ms");
        }
        if (maxBodyBytes.toBytes() < 1024 || maxBodyBytes.toBytes() > DataSize.ofMegabytes(64).toBytes()) {
            throw new InvalidConfigurationException("gatekeeper.migrations.max-body-bytes",
                    "must be between 1KB and 64MB, is " + maxBodyBytes);
        }
        if (orphanAfter.compareTo(pollInterval.multipliedBy(4)) < 0) {
            throw new InvalidConfigurationException("gatekeeper.migrations.orphan-after",
                    "must be at least four poll intervals, or live jobs would be taken for orphans");
        }
    }
}
