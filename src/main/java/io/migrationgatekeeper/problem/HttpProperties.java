package io.migrationgatekeeper.problem;

import io.migrationgatekeeper.configuration.InvalidConfigurationException;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code gatekeeper.http.*}.
 *
 * @param bodyReadTimeout how long reading a request body may wait for its next bytes; a client that stalls longer
 *                        gets 408 {@code request-timeout} and its thread is free again
 */
@ConfigurationProperties("gatekeeper.http")
record HttpProperties(@DefaultValue("5s") Duration bodyReadTimeout) {

    HttpProperties {
        if (bodyReadTimeout.compareTo(Duration.ofMillis(100)) < 0 || bodyReadTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new InvalidConfigurationException("gatekeeper.http.body-read-timeout",
                    "must be between 100ms and 5m, is " + bodyReadTimeout.toMillis() + "ms");
        }
    }
}
