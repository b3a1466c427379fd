package io.migrationgatekeeper.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.testsupport.Api;
import io.migrationgatekeeper.testsupport.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The service on a machine without the native libvirt library: a separate JVM (the library loads once per JVM)
 * in a private mount namespace where every copy of {@code libvirt.so.0} is covered by an empty file. Needs root
 * for the namespace, as CI has.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WithoutNativeLibvirtIT {

    private static final List<String> LIBRARY_DIRS = List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib",
            "/usr/lib/aarch64-linux-gnu");

    private ServiceProcess service;
    private Api api;

    @BeforeAll
    void start() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")) || "true".equals(System.getenv("CI")),
                "hiding libvirt0 needs root (a private mount namespace)");
        StringBuilder hide = new StringBuilder();
        for (String dir : LIBRARY_DIRS) {
            try (var files = Files.list(Path.of(dir))) {
                files.filter(f -> f.getFileName().toString().startsWith("libvirt.so")).forEach(f ->
                        hide.append("mount --bind /dev/null '").append(f).append("' && "));
            } catch (IOException absent) {
                // no such directory on this machine
            }
        }
        service = ServiceProcess.start(java -> List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                hide + "exec " + java.stream().map(word -> "'" + word + "'").collect(Collectors.joining(" "))),
                "--spring.profiles.active=sample");
        api = service.api();
    }

    @AfterAll
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void xmlPreflightsWorkAndHostFeaturesAnswer503NamingTheLibrary() throws IOException {
        Api.Reply xml = api.postXml("/v1/preflight", "<domain><name>d</name></domain>");
        assertThat(xml.status()).isEqualTo(200);

        Api.Reply byId = api.postJson("/v1/preflight", Map.of("domain", Map.of("host", "kvm-a1", "name", "test")));
        Api.Reply hosts = api.get("/v1/hosts");
        Api.Reply host = api.get("/v1/hosts/kvm-a1");
        for (Api.Reply reply : List.of(byId, hosts, host)) {
            assertThat(reply.status()).as(reply.body()).isEqualTo(503);
            assertThat(reply.json().get("type").asString()).isEqualTo("urn:migration-gatekeeper:problem:libvirt-unavailable");
            assertThat(reply.json().get("detail").asString()).contains("libvirt0");
        }
        assertThat(api.get("/actuator/health/readiness").status()).isEqualTo(200);
    }
}
