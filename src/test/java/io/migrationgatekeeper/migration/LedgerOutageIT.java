package io.migrationgatekeeper.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.migrationgatekeeper.testsupport.Api;
import io.migrationgatekeeper.testsupport.RequiresLibvirt;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 9, defect 3: with the database down, /v1/migrations answered 500 after 30 s and readiness stayed UP. Here a
 * real PostgreSQL is stopped under the running service and started again on the same data directory and port.
 */
@RequiresLibvirt
@ActiveProfiles("sample")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LedgerOutageIT {

    private static final Path DATA = temporaryDirectory();
    private static final int PORT = freePort();
    private static EmbeddedPostgres postgres = start();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void ledger(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:postgresql://127.0.0.1:" + PORT + "/postgres");
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }

    @AfterAll
    static void stop() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
        try (var files = Files.walk(DATA)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void migrationsAnswer503WithinSecondsReadinessGoesDownAndEverythingRecovers() throws Exception {
        Api api = new Api(port);
        Api probe = new Api(port, null);
        Map<String, Object> request = Map.of("domain", "test", "sourceHost", "kvm-a1", "targetHost", "kvm-b1");
        assertThat(api.get("/v1/migrations").status()).isEqualTo(200);
        assertThat(api.postJson("/v1/migrations", request).status()).as("denied: a local disk").isEqualTo(422);
        assertThat(probe.get("/actuator/health/readiness").status()).isEqualTo(200);

        postgres.close();
        postgres = null;

        long start = System.nanoTime();
        Api.Reply list = api.get("/v1/migrations");
        long listMillis = (System.nanoTime() - start) / 1_000_000;
        start = System.nanoTime();
        Api.Reply create = api.postJson("/v1/migrations", request);
        long createMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("with the database stopped: GET /v1/migrations answered %d in %d ms, POST %d in %d ms%n",
                list.status(), listMillis, create.status(), createMillis);
        for (Api.Reply reply : java.util.List.of(list, create)) {
            assertThat(reply.status()).as(reply.body()).isEqualTo(503);
            assertThat(reply.contentType()).startsWith("application/problem+json");
            assertThat(reply.json().get("type").asString()).isEqualTo("urn:migration-gatekeeper:problem:ledger-unavailable");
            assertThat(reply.header("Retry-After")).isEqualTo("5");
        }
        assertThat(Duration.ofMillis(Math.max(listMillis, createMillis))).isLessThan(Duration.ofSeconds(5));
        assertThat(probe.get("/actuator/health/readiness").status()).as("readiness").isEqualTo(503);
        assertThat(probe.get("/actuator/health/liveness").status()).as("liveness").isEqualTo(200);
        assertThat(api.postXml("/v1/preflight", "<domain><name>d</name></domain>").status()).as("XML preflight")
                .isEqualTo(200);

        postgres = start();

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> probe.get("/actuator/health/readiness").status() == 200);
        assertThat(api.get("/v1/migrations").status()).isEqualTo(200);
        assertThat(api.postJson("/v1/migrations", request).status()).isEqualTo(422);
        assertThat(api.get("/v1/migrations?domain=test").status()).isEqualTo(200);
    }

    /** The same data directory and port each time: a restart of the same database, as an operator would do it. */
    private static EmbeddedPostgres start() {
        try {
            return EmbeddedPostgres.builder().setDataDirectory(DATA).setCleanDataDirectory(false).setPort(PORT).start();
        } catch (IOException e) {
            throw new IllegalStateException("embedded PostgreSQL did not start", e);
        }
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("gatekeeper-outage-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
