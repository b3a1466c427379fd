package io.migrationgatekeeper.configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.migrationgatekeeper.MigrationGatekeeperApplication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

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
            // Misspelt keys: each was silently ignored, and its default applied.
            "gatekeeper.policy.enforcment=warn | gatekeeper.policy.enforcment | did you mean 'gatekeeper.policy.enforcement'",
            "gatekeeper.policy.allow-unsafe-overide=false | gatekeeper.policy.allow-unsafe-overide"
                    + " | did you mean 'gatekeeper.policy.allow-unsafe-override'",
            "gatekeeper.hosts.kvm1.urii=test:///default | gatekeeper.hosts.kvm1.urii | did you mean 'gatekeeper.hosts.kvm1.uri'",
            "gatekeeper.hosts[kvm-a1].uri=test:///default;gatekeeper.hosts[kvm-a1].lables.a=b"
                    + " | gatekeeper.hosts[kvm-a1].lables.a | did you mean 'gatekeeper.hosts[kvm-a1].labels.a'",
            "gatekeeper.policy.filesystems[0].path=/srv/g;gatekeeper.policy.filesystems[0].typ=gfs2"
                    + " | gatekeeper.policy.filesystems[0].typ | did you mean 'gatekeeper.policy.filesystems[0].type'",
            "gatekeeper.enforcement=warn | gatekeeper.enforcement | did you mean 'gatekeeper.policy.enforcement'",
            "gatekeeper.security.jwt.audiences=x | gatekeeper.security.jwt.audiences"
                    + " | did you mean 'gatekeeper.security.jwt.audience'",
            "gatekeeper.policy.enforcement.mode=warn | gatekeeper.policy.enforcement.mode | unknown property",
            // A duration without a unit was read as milliseconds: 30 meant 30 ms.
            "gatekeeper.libvirt.call-timeout=30 | gatekeeper.libvirt.call-timeout | has no unit; write the unit, e.g. 30s",
            "gatekeeper.migrations.orphan-after=60 | gatekeeper.migrations.orphan-after | has no unit",
            "gatekeeper.libvirt.call-timeout=50ms | gatekeeper.libvirt.call-timeout | between 100ms and 10m",
            "gatekeeper.libvirt.call-timeout=1h | gatekeeper.libvirt.call-timeout | between 100ms and 10m",
            "gatekeeper.libvirt.retry-after=0s | gatekeeper.libvirt.retry-after | between 1s and 1h",
            "gatekeeper.libvirt.probe.interval=200ms | gatekeeper.libvirt.probe.interval | at least 1s",
            "gatekeeper.libvirt.probe.concurrency=0 | gatekeeper.libvirt.probe.concurrency | between 1 and 256",
            "gatekeeper.libvirt.probe.intervall=1m | gatekeeper.libvirt.probe.intervall"
                    + " | did you mean 'gatekeeper.libvirt.probe.interval'",
            "gatekeeper.audit.interval=0s | gatekeeper.audit.interval | at least 1s",
            "gatekeeper.audit.concurrency=1000 | gatekeeper.audit.concurrency | between 1 and 256",
            "gatekeeper.audit.enable=false | gatekeeper.audit.enable | did you mean 'gatekeeper.audit.enabled'",
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

    @Test
    void aMisspeltYamlListIsRefusedWhereverItComesFrom(@TempDir Path dir) throws IOException {
        Path yaml = dir.resolve("application.yaml");
        Files.writeString(yaml, """
                gatekeeper:
                  policy:
                    filesystem:
                      - path: /srv/gfs2
                        type: gfs2
                """);

        InvalidConfigurationException invalid = find(start("spring.config.additional-location=file:" + yaml),
                InvalidConfigurationException.class);

        assertThat(invalid).isNotNull();
        assertThat(invalid.property()).isEqualTo("gatekeeper.policy.filesystem[0].path");
        assertThat(invalid.reason()).contains(yaml.toString() + "] - 4:", "did you mean 'gatekeeper.policy.filesystems[0].path'")
                .contains("'gatekeeper.policy.filesystem[0].type'");
    }

    @Test
    void environmentVariablesAreCheckedInTheirOwnSpelling() {
        assertThat(startWithEnvironment(Map.of("GATEKEEPER_POLICY_ALLOW_UNSAFE_OVERRIDE", "false",
                "GATEKEEPER_POLICY_FILESYSTEMS_0_PATH", "/srv/gfs2", "GATEKEEPER_POLICY_FILESYSTEMS_0_TYPE", "gfs2",
                "GATEKEEPER_HOSTS_KVM1_URI", "test:///default", "GATEKEEPER_HOSTS_KVM1_LABELS_RACK", "r1",
                "GATEKEEPER_LIBVIRT_CALLTIMEOUT", "5s"), true)).isNull();

        Throwable failure = startWithEnvironment(Map.of("GATEKEEPER_POLICY_ALLOW_UNSAFE_OVERIDE", "false"), false);

        InvalidConfigurationException invalid = find(failure, InvalidConfigurationException.class);
        assertThat(invalid).as("cause chain of %s", failure).isNotNull();
        assertThat(invalid.property()).isEqualTo("gatekeeper.policy.allow.unsafe.overide");
        assertThat(invalid.reason()).contains("did you mean 'gatekeeper.policy.allow-unsafe-override'");
    }

    @Test
    void everyKnownKeyIsAcceptedInEveryForm() {
        assertThat(startService("gatekeeper.policy.enforcement=warn;gatekeeper.policy.allowUnsafeOverride=false"
                + ";gatekeeper.policy.safe-cache-modes[0]=none;gatekeeper.policy.network-protocols=rbd,nbd"
                + ";gatekeeper.hosts.kvm1.uri=test:///default;gatekeeper.hosts.kvm1.labels.rack=r1"
                + ";gatekeeper.hosts.kvm1.qemu-drop-cache=auto;gatekeeper.libvirt.call-timeout=PT5S"
                + ";gatekeeper.security.rate-limit.burst=10;gatekeeper.preflight.max-body-bytes=2048")).isNull();
    }

    /** @param web a whole service (it must start), or only its configuration (it is expected to fail) */
    private static Throwable startWithEnvironment(Map<String, Object> variables, boolean web) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
        return catchThrowable(() -> new SpringApplicationBuilder(MigrationGatekeeperApplication.class)
                .environment(environment)
                .web(web ? WebApplicationType.SERVLET : WebApplicationType.NONE)
                .properties("spring.main.banner-mode=off", "logging.level.root=off", "server.port=0",
                        "spring.datasource.url=jdbc:h2:mem:strict-env")
                .run().close());
    }

    private static Throwable start(String properties) {
        return start(properties, WebApplicationType.NONE);
    }

    /** The whole service on a free port, which must start. */
    private static Throwable startService(String properties) {
        return start(properties + ";server.port=0;spring.datasource.url=jdbc:h2:mem:strict", WebApplicationType.SERVLET);
    }

    private static Throwable start(String properties, WebApplicationType web) {
        return catchThrowable(() -> new SpringApplicationBuilder(MigrationGatekeeperApplication.class)
                .web(web)
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
