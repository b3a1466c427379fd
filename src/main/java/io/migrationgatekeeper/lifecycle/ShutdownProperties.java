package io.migrationgatekeeper.lifecycle;

import io.migrationgatekeeper.configuration.InvalidConfigurationException;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code gatekeeper.shutdown.*}.
 *
 * @param timeout the longest the process takes from SIGTERM to exit: requests in flight get
 *                spring.lifecycle.timeout-per-shutdown-phase to finish, connections a few seconds to close, and the
 *                process is halted when this runs out; keep it below the pod's terminationGracePeriodSeconds
 */
@ConfigurationProperties("gatekeeper.shutdown")
record ShutdownProperties(@DefaultValue("30s") Duration timeout) {

    ShutdownProperties {
        if (timeout.compareTo(Duration.ofSeconds(5)) < 0 || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new InvalidConfigurationException("gatekeeper.shutdown.timeout",
                    "must be between 5s and 10m, is " + timeout.toMillis() + "ms");
        }
    }
}
