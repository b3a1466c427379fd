package io.migrationgatekeeper.configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.migrationgatekeeper.MigrationGatekeeperApplication;
import io.migrationgatekeeper.inventory.HostInventory;
import io.migrationgatekeeper.inventory.InventoryHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** A bad policy or inventory stops the service at start-up with a message naming the property. */
@ExtendWith(OutputCaptureExtension.class)
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
            // A plain key loses what a property name cannot carry: 'bad host' was run as a host 'badhost'.
            "gatekeeper.hosts.bad host.uri=test:///default | gatekeeper.hosts.bad host.uri"
                    + " | the host name 'bad host' would be read as 'badhost'",
            "gatekeeper.hosts.kvm@1.uri=test:///default | gatekeeper.hosts.kvm@1.uri | would be read as 'kvm1'",
            // A plain key with dots is a host 'kvm-x3' with an unknown property 'example.com.uri'.
            "gatekeeper.hosts.kvm-x3.example.com.uri=test:///default | gatekeeper.hosts.kvm-x3.example.com.uri"
                    + " | a host name with dots is a bracket key: gatekeeper.hosts[kvm-x3.example.com].uri",
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

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // Two keys with one name would be one caller; two with one hash, one key with either entry's scopes.
            "gatekeeper.security.api-keys[0].name=x;gatekeeper.security.api-keys[0].sha256=ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"
                    + ";gatekeeper.security.api-keys[0].scopes=read;gatekeeper.security.api-keys[1].name=x"
                    + ";gatekeeper.security.api-keys[1].sha256=3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d;gatekeeper.security.api-keys[1].scopes=migrate"
                    + " | gatekeeper.security.api-keys[1].name | is already the name of gatekeeper.security.api-keys[0]",
            "gatekeeper.security.api-keys[0].name=x;gatekeeper.security.api-keys[0].sha256=ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"
                    + ";gatekeeper.security.api-keys[0].scopes=read;gatekeeper.security.api-keys[1].name=y"
                    + ";gatekeeper.security.api-keys[1].sha256=CA978112CA1BBDCAFAC231B39A23DC4DA786EFF8147C4E72B9807785AFEE48BB;gatekeeper.security.api-keys[1].scopes=migrate"
                    + " | gatekeeper.security.api-keys[1].sha256 | already the sha256 of gatekeeper.security.api-keys[0] ('x')",
            "gatekeeper.security.api-keys[0].name=x;gatekeeper.security.api-keys[0].sha256=ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"
                    + ";gatekeeper.security.api-keys[0].scopes=admin"
                    + " | gatekeeper.security.api-keys[0].scopes | is not one of preflight, migrate, cancel-any, override, read",
    })
    void apiKeysAreRefusedNamingTheKey(String properties, String property, String reason) {
        // The security configuration needs a web application to get as far as binding the keys.
        Throwable failure = start(properties + ";server.port=0;spring.datasource.url=jdbc:h2:mem:keys",
                WebApplicationType.SERVLET);

        InvalidConfigurationException invalid = find(failure, InvalidConfigurationException.class);
        assertThat(invalid).as("cause chain of %s", failure).isNotNull();
        assertThat(invalid.property()).isEqualTo(property);
        assertThat(invalid.reason()).contains(reason);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "gatekeeper.policy.enforcement=maybe | gatekeeper.policy.enforcement | maybe | enforce, warn",
            "gatekeeper.policy.safe-cache-modes=none,bogus | gatekeeper.policy.safe-cache-modes | bogus"
                    + " | default, none, writethrough, writeback, directsync, unsafe",
            "gatekeeper.policy.require-shared-storage=maybe | gatekeeper.policy.require-shared-storage | maybe | true, false",
            "gatekeeper.hosts.kvm-a1.uri=test:///default;gatekeeper.hosts.kvm-a1.qemu-drop-cache=maybe"
                    + " | gatekeeper.hosts.kvm-a1.qemu-drop-cache | maybe | true, false, auto",
    })
    void aValueOutsideItsSetIsReportedInTheServicesForm(String properties, String property, String value, String valid,
            CapturedOutput output) {
        Throwable failure = start(properties + ";logging.level.org.springframework.boot.diagnostics=error");

        FailureAnalysis analysis = new InvalidValueFailureAnalyzer().analyze(failure);
        assertThat(analysis).as("analysis of %s", failure).isNotNull();
        String description = "Invalid configuration property '" + property + "': '" + value + "' is not one of " + valid;
        assertThat(analysis.getDescription()).isEqualTo(description);
        // And it is the report Spring Boot prints, ahead of its own "No enum constant io.migrationgatekeeper…".
        assertThat(output.getAll()).contains(description).doesNotContain("No enum constant");
    }

    @Test
    void hostNamesWithDotsAreBracketKeysInEveryForm(@TempDir Path dir) throws IOException {
        Path yaml = dir.resolve("hosts.yaml");
        Files.writeString(yaml, """
                gatekeeper:
                  hosts:
                    "[kvm-x3.example.com]":
                      uri: test:///default
                """);
        try (var context = new SpringApplicationBuilder(MigrationGatekeeperApplication.class)
                .properties("spring.main.banner-mode=off", "logging.level.root=off")
                .run("--spring.config.additional-location=file:" + yaml,
                        "--gatekeeper.hosts[kvm-x4.example.com].uri=test:///default",
                        // The environment's form: variable names cannot carry a dot, SPRING_APPLICATION_JSON can.
                        "--spring.application.json={\"gatekeeper\":{\"hosts\":{\"[kvm-x5.example.com]\":"
                                + "{\"uri\":\"test:///default\"}}}}",
                        "--gatekeeper.libvirt.probe.enabled=false", "--gatekeeper.audit.enabled=false",
                        "--server.port=0", "--spring.datasource.url=jdbc:h2:mem:dotted-hosts")) {
            assertThat(context.getBean(HostInventory.class).all()).extracting(InventoryHost::name)
                    .contains("kvm-x3.example.com", "kvm-x4.example.com", "kvm-x5.example.com");
        }
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
