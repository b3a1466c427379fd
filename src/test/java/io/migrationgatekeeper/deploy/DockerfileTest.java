package io.migrationgatekeeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs here, so the image build is not run; what can be checked without one is checked: the build
 * stage has every file the Maven build reads, and the runtime stage the files the service reads.
 */
class DockerfileTest {

    @Test
    void theBuildStageCopiesEveryBuildInput() throws IOException {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        String build = dockerfile.substring(0, dockerfile.indexOf("\nFROM ", dockerfile.indexOf("AS build")));

        // openapi.yaml: openapi-generator-maven-plugin reads it in generate-test-sources, even with -DskipTests.
        assertThat(build).contains("COPY mvnw pom.xml", "COPY .mvn .mvn", "COPY src src", "COPY openapi.yaml");
        assertThat(Files.readString(Path.of("pom.xml"))).contains("<inputSpec>${project.basedir}/openapi.yaml</inputSpec>");
    }

    @Test
    void theRuntimeStageHasTheSshClientAndItsConfiguration() throws IOException {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        String runtime = dockerfile.substring(dockerfile.lastIndexOf("\nFROM "));

        assertThat(runtime).contains("openssh-client", "libvirt0",
                "COPY deploy/ssh/ssh_config /etc/ssh/ssh_config.d/gatekeeper.conf");
        assertThat(Path.of("deploy/ssh/ssh_config")).exists();
    }

    /**
     * The image starts from a JDK AOT cache (README "Performance": start to readiness), which the JVM uses only when
     * the run has the training run's --enable-native-access: so the training runs after JAVA_TOOL_OPTIONS is set, on
     * an in-memory ledger (the image carries no database), and the entry point starts the same jar from the cache.
     * Both run in Spring AOT mode: the training must load the classes that the AOT-mode start loads.
     */
    @Test
    void theImageStartsFromAnAotCacheTrainedWithItsOwnOptions() throws IOException {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        String runtime = dockerfile.substring(dockerfile.lastIndexOf("\nFROM "));

        int options = runtime.indexOf("ENV JAVA_TOOL_OPTIONS=");
        int training = runtime.indexOf("java -XX:AOTCacheOutput=gatekeeper.aot -Dspring.aot.enabled=true "
                + "-Dspring.context.exit=onRefresh -jar gatekeeper.jar");
        assertThat(options).as("JAVA_TOOL_OPTIONS is set in the runtime stage").isNotNegative();
        assertThat(training).as("the training run comes after JAVA_TOOL_OPTIONS").isGreaterThan(options);
        assertThat(runtime.substring(options, runtime.indexOf('\n', options))).contains("--enable-native-access=ALL-UNNAMED");
        assertThat(runtime.substring(training, runtime.indexOf("\n", runtime.indexOf("\n", training) + 1)))
                .contains("--spring.datasource.url=jdbc:h2:mem:");
        assertThat(runtime.indexOf("USER ")).as("trained as root, before the image drops to its user")
                .isGreaterThan(training);
        assertThat(runtime).contains("ENTRYPOINT [\"java\", \"-XX:AOTCache=gatekeeper.aot\", \"-Dspring.aot.enabled=true\", "
                + "\"-jar\", \"gatekeeper.jar\"]");
        assertThat(dockerfile).contains("cp target/migration-gatekeeper-*.jar gatekeeper.jar",
                "-jar gatekeeper.jar extract --layers --destination /layers");
    }
}
