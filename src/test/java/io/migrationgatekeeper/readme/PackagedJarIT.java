package io.migrationgatekeeper.readme;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.testsupport.Api;
import io.migrationgatekeeper.testsupport.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The jar that {@code ./mvnw package} builds (and the image runs), started with {@code java -jar} on its own class
 * path: the tests' class path has test-scoped libraries the jar lacks, so only this shows that the jar starts,
 * migrates its ledger and answers. (A test-scoped Jackson 2 once took Flyway's runtime dependency out of it.)
 */
class PackagedJarIT {

    @Test
    void theJarStartsAndServesWithTheGeneratedKey() throws IOException {
        try (ServiceProcess service = startJar(List.of(), "--spring.profiles.active=sample",
                "--spring.datasource.url=jdbc:h2:mem:packaged")) {
            Api api = withGeneratedKey(service);

            assertThat(api.get("/v1/policy").status()).isEqualTo(200);
            assertThat(api.get("/v1/migrations").status()).as("the ledger answers").isEqualTo(200);
        }
    }

    /**
     * The image starts the jar in Spring AOT mode (bean definitions computed by the build, README "Performance"):
     * that context must be the service, not a part of it. It answers a preflight (parser, rule, decision log,
     * metrics), the ledger and the scrape, and says it runs from the build's bean definitions.
     */
    @Test
    void theJarServesInSpringAotModeAsTheImageStartsIt() throws IOException {
        try (ServiceProcess service = startJar(List.of("-Dspring.aot.enabled=true"), "--spring.profiles.active=sample",
                "--spring.datasource.url=jdbc:h2:mem:packaged-aot")) {
            assertThat(service.log()).as("started from the AOT initializer").contains("Starting AOT-processed");
            Api api = withGeneratedKey(service);

            Api.Reply preflight = api.postXml("/v1/preflight?sourceHost=kvm-a1&targetHost=kvm-a2",
                    Files.readString(Path.of("examples/web01.xml")));
            assertThat(preflight.status()).as(preflight.body()).isEqualTo(200);
            assertThat(preflight.json().path("decision").asString()).isNotEmpty();
            assertThat(api.get("/v1/policy").status()).isEqualTo(200);
            assertThat(api.get("/v1/migrations").status()).as("the ledger answers").isEqualTo(200);
            assertThat(api.get("/v1/hosts").status()).isEqualTo(200);
            assertThat(new Api(service.api().port(), null).get("/actuator/health/readiness").status()).isEqualTo(200);
            assertThat(api.get("/actuator/prometheus").body()).contains("gatekeeper_decisions_total");
        }
    }

    /**
     * Configuration is checked at start-up in AOT mode too: a misspelt key stops the service with its name
     * ({@code StrictConfiguration} is a bean factory post-processor, which AOT mode still runs), and so does a value
     * the records' validation refuses.
     */
    @Test
    void inSpringAotModeABadConfigurationStillStopsTheStart() throws Exception {
        assertThat(failedStart("--gatekeeper.policy.allow-unsafe-overide=false"))
                .contains("gatekeeper.policy.allow-unsafe-overide").contains("allow-unsafe-override");
        assertThat(failedStart("--gatekeeper.libvirt.call-timeout=30")).contains("gatekeeper.libvirt.call-timeout")
                .contains("has no unit");
    }

    private static String failedStart(String badArgument) throws Exception {
        Path log = Files.createTempFile("gatekeeper-aot", ".log");
        try {
            Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dspring.aot.enabled=true", "-jar", jar().toString(), "--server.port=0",
                    "--spring.datasource.url=jdbc:h2:mem:packaged-aot-bad", badArgument)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("still running with " + badArgument + ":\n" + Files.readString(log));
            }
            String output = Files.readString(log);
            assertThat(process.exitValue()).as("exit status with %s; log:%n%s", badArgument, output).isNotZero();
            assertThat(output).contains("Starting AOT-processed");
            return output;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static ServiceProcess startJar(List<String> jvmOptions, String... args) throws IOException {
        Path jar = jar();
        return ServiceProcess.start(command -> {
            List<String> java = new ArrayList<>(List.of(command.get(0)));
            java.addAll(jvmOptions);
            java.addAll(List.of("-jar", jar.toString()));
            java.addAll(command.subList(4, command.size())); // after java -cp <class path> <main class>
            return java;
        }, args);
    }

    private static Path jar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("migration-gatekeeper-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no jar in target/: run ./mvnw verify (package comes first)"));
        }
    }

    private static Api withGeneratedKey(ServiceProcess service) {
        Matcher key = Pattern.compile("Using generated API key \\(all scopes\\): (gk_[A-Za-z0-9_-]+)").matcher(service.log());
        assertThat(key.find()).as("the generated key is logged; log:%n%s", service.log()).isTrue();
        return new Api(service.api().port(), key.group(1));
    }
}
