package io.migrationgatekeeper.configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.migrationgatekeeper.MigrationGatekeeperApplication;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A bad policy or inventory stops the service at start-up with a message naming the property. */
class ConfigurationValidationTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "gatekeeper.policy.filesystems[0].path=/srv/moose;gatekeeper.policy.filesystems[0].type=moosefs"
                    + " | gatekeeper.policy.filesystems[0].type | shared: true or cluster: true",
            "gatekeeper.policy.filesystems[0].path=srv/gfs2;gatekeeper.policy.filesystems[0].type=gfs2"
                    + " | gatekeeper.policy.filesystems[0].path | absolute path",
            "gatekeeper.policy.filesystems[0].path=/srv/gfs2"
                    + " | gatekeeper.policy.filesystems[0].type | is required",
            "gatekeeper.policy.pools[0].name=p;gatekeeper.policy.pools[0].storage=other"
                    + " | gatekeeper.policy.pools[0].storage | network, cluster, shared, local",
            "gatekeeper.policy.network-protocols=rbd,pigeon | gatekeeper.policy.network-protocols | 'pigeon'",
            "gatekeeper.hosts[-bad].qemu-drop-cache=true | gatekeeper.hosts.-bad | host name",
            "gatekeeper.preflight.max-body-bytes=10B | gatekeeper.preflight.max-body-bytes | between 1KB and 64MB",
    })
    void rejectedDeclarationsNameTheProperty(String properties, String property, String reason) {
        Throwable failure = start(properties);

        InvalidConfigurationException invalid = find(failure, InvalidConfigurationException.class);
        assertThat(invalid).as("cause chain of %s", failure).isNotNull();
        assertThat(invalid.property()).isEqualTo(property);
        assertThat(invalid.reason()).contains(reason);
        FailureAnalysis analysis = new InvalidConfigurationFailureAnalyzer().analyze(failure);
        assertThat(analysis.getDescription()).startsWith("Invalid configuration property '" + property + "'");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "gatekeeper.policy.enforcement=strict | gatekeeper.policy.enforcement",
            "gatekeeper.policy.safe-cache-modes=none,sometimes | gatekeeper.policy.safe-cache-modes",
            "gatekeeper.policy.require-shared-storage=maybe | gatekeeper.policy.require-shared-storage",
            "gatekeeper.policy.pools[0].name=p;gatekeeper.policy.pools[0].storage=tape | gatekeeper.policy.pools[0].storage",
    })
    void unbindableValuesNameTheProperty(String properties, String property) {
        Throwable failure = start(properties);

        assertThat(messages(failure)).anySatisfy(m -> assertThat(m).contains(property));
    }

    private static Throwable start(String properties) {
        return catchThrowable(() -> new SpringApplicationBuilder(MigrationGatekeeperApplication.class)
                .web(WebApplicationType.NONE)
                .properties("spring.main.banner-mode=off", "logging.level.root=off")
                // Command-line arguments, so they override application.yaml as an operator's would.
                .run(java.util.Arrays.stream(properties.split(";")).map(p -> "--" + p).toArray(String[]::new))
                .close());
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static List<String> messages(Throwable failure) {
        assertThat(failure).as("start-up must fail").isNotNull();
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }
        return messages;
    }
}
