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
}
