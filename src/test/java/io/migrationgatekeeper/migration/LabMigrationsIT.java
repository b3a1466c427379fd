package io.migrationgatekeeper.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.testsupport.Api;
import io.migrationgatekeeper.testsupport.LibvirtLab;
import io.migrationgatekeeper.testsupport.RequiresLibvirt;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Migrations through the gatekeeper between two real libvirt daemons. The policy declares the lab's image
 * directory (local ext4) a cluster filesystem of a type libvirt does not know ({@code moosefs, cluster: true}),
 * for source host lab-a only: the same guest is cluster storage leaving lab-a, which libvirt cannot see (so the
 * gatekeeper passes VIR_MIGRATE_UNSAFE), and local storage leaving lab-b.
 */
@RequiresLibvirt(daemons = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gatekeeper.hosts.lab-a.migration-address=127.0.0.1",
        "gatekeeper.hosts.lab-b.migration-address=127.0.0.1",
        "gatekeeper.migrations.poll-interval=200ms",
        "gatekeeper.migrations.orphan-after=10s",
        "gatekeeper.libvirt.call-timeout=5s"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabMigrationsIT {

    private static final LibvirtLab LAB = LibvirtLab.create();
    private static final String PROBLEM = "urn:migration-gatekeeper:problem:";

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    Api api;

    @DynamicPropertySource
    static void hosts(DynamicPropertyRegistry registry) {
        registry.add("gatekeeper.hosts.lab-a.uri", () -> LAB.a().uri());
        registry.add("gatekeeper.hosts.lab-b.uri", () -> LAB.b().uri());
        // The same daemons as hosts configured the simplest way: a uri and nothing else.
        registry.add("gatekeeper.hosts.plain-a.uri", () -> LAB.a().uri());
        registry.add("gatekeeper.hosts.plain-b.uri", () -> LAB.b().uri());
        // An indexed list binds from one property source: the whole entry goes here.
        registry.add("gatekeeper.policy.filesystems[0].path", () -> LAB.images().toString());
        registry.add("gatekeeper.policy.filesystems[0].type", () -> "moosefs");
        registry.add("gatekeeper.policy.filesystems[0].cluster", () -> "true");
        registry.add("gatekeeper.policy.filesystems[0].hosts[0]", () -> "lab-a");
    }

    @BeforeAll
    static void startLab() {
        LAB.start();
    }

    @AfterAll
    static void stopLab() {
        LAB.close();
    }

    @BeforeEach
    void client() {
        api = new Api(port);
    }

    /**
     * The tests share one guest and run in order. A test that fails between its 202 and the job's end (an assertion
     * on the answer, say) would leave libvirt migrating: the next test then met a 409 (one active job per domain),
     * the guest paused on the target mid-migration, and job counts that were off. Whatever a test started ends
     * here, before the next one begins; one that will not end is cancelled.
     */
    @AfterEach
    void everyJobEndsWithItsTest() {
        String active = "SELECT id FROM migration_jobs WHERE active_domain IS NOT NULL";
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> jdbc.sql(active).query(String.class).list().isEmpty());
        } catch (org.awaitility.core.ConditionTimeoutException stuck) {
            for (String id : jdbc.sql(active).query(String.class).list()) {
                api.post("/v1/migrations/" + id + "/cancel", "application/json", HttpRequest.BodyPublishers.noBody());
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> jdbc.sql(active).query(String.class).list().isEmpty());
        }
    }

    @Test
    @Order(1)
    void storageDeclaredClusterButLocalToLibvirtMigratesWithTheUnsafeFlag() {
        Api.Reply created = migrate(Map.of("domain", LibvirtLab.GUEST, "sourceHost", "lab-a", "targetHost", "lab-b"));

        assertThat(created.status()).as(created.body()).isEqualTo(202);
        assertThat(created.header("Location")).isEqualTo("/v1/migrations/" + created.json().get("id").asString());
        assertThat(created.json().get("libvirtFlags").get("names").toString()).contains("VIR_MIGRATE_UNSAFE",
                "VIR_MIGRATE_PEER2PEER", "VIR_MIGRATE_LIVE", "VIR_MIGRATE_PERSIST_DEST", "VIR_MIGRATE_UNDEFINE_SOURCE");
        assertThat(created.json().get("evaluation").get("live").get("disks").get(0).get("reason").asString())
                .isEqualTo("CLUSTER_FS");
        assertThat(created.json().get("evaluation").get("live").get("disks").get(0).get("libvirtVerdict").get("reason")
                .asString()).as("libvirt sees local ext4").isEqualTo("STORAGE_NOT_SHARED");
        JsonNode done = awaitEnd(created.json().get("id").asString());

        assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("progress").get("timeElapsedMs").asLong()).isPositive();
        assertRunsPersistentlyOn(LAB.b(), LibvirtLab.GUEST);
        assertAbsentFrom(LAB.a(), LibvirtLab.GUEST);
    }

    @Test
    @Order(2)
    void withoutTheDeclarationTheSameGuestIsDeniedAndLibvirtIsNotAsked() {
        long jobs = jobCount();

        Api.Reply denied = migrate(Map.of("domain", LibvirtLab.GUEST, "sourceHost", "lab-b", "targetHost", "lab-a"));

        assertThat(denied.status()).as(denied.body()).isEqualTo(422);
        assertThat(denied.json().get("type").asString()).isEqualTo(PROBLEM + "migration-denied");
        assertThat(denied.json().get("detail").asString()).contains("vda: STORAGE_NOT_SHARED");
        assertThat(denied.json().get("evaluation").get("live").get("violations").get(0).get("message").asString())
                .isEqualTo("Unsafe migration: Migration without shared storage is unsafe");
        assertThat(jobCount()).as("no job").isEqualTo(jobs);
        assertRunsPersistentlyOn(LAB.b(), LibvirtLab.GUEST);
        // libvirt itself would have refused it, with the same words: the gatekeeper said so first.
        LibvirtLab.Result direct = LAB.b().tryVirsh("migrate", "--live", "--p2p", LibvirtLab.GUEST, LAB.a().uri(),
                "--migrateuri", "tcp:127.0.0.1", "--listen-address", "127.0.0.1");
        assertThat(direct.exit()).isNotZero();
        assertThat(direct.output()).contains("Unsafe migration: Migration without shared storage is unsafe");
    }

    @Test
    @Order(3)
    void anAuthorisedOverrideMigratesAndTheLedgerSaysWhoAndWhy() {
        Api.Reply created = migrate(Map.of("domain", LibvirtLab.GUEST, "sourceHost", "lab-b", "targetHost", "lab-a",
                "unsafe", Map.of("reason", "OPS-4711: scratch disk, data loss accepted")));

        assertThat(created.status()).as(created.body()).isEqualTo(202);
        assertThat(created.json().get("decision").asString()).isEqualTo("ALLOWED_UNSAFE");
        JsonNode done = awaitEnd(created.json().get("id").asString());
        assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("overrideReason").asString()).isEqualTo("OPS-4711: scratch disk, data loss accepted");
        assertThat(done.get("requester").asString()).isEqualTo("test-suite");
        Map<String, Object> decision = jdbc.sql("SELECT requester, override_reason, decision, reasons FROM decisions"
                + " WHERE id = :id").param("id", done.get("decisionId").asString()).query().singleRow();
        assertThat(decision).containsEntry("requester", "test-suite")
                .containsEntry("override_reason", "OPS-4711: scratch disk, data loss accepted")
                .containsEntry("decision", "ALLOWED_UNSAFE").containsEntry("reasons", "STORAGE_NOT_SHARED");
        assertRunsPersistentlyOn(LAB.a(), LibvirtLab.GUEST);
        assertAbsentFrom(LAB.b(), LibvirtLab.GUEST);
    }

    @Test
    @Order(4)
    void aGuestLibvirtAcceptsMovesWithoutTheFlag() {
        LAB.defineAndStartDisklessGuest(LAB.a(), "vm-nodisk");

        Api.Reply created = migrate(Map.of("domain", "vm-nodisk", "sourceHost", "lab-a", "targetHost", "lab-b"));

        assertThat(created.status()).as(created.body()).isEqualTo(202);
        assertThat(created.json().get("libvirtFlags").get("names").toString()).doesNotContain("VIR_MIGRATE_UNSAFE");
        JsonNode done = awaitEnd(created.json().get("id").asString());
        assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertRunsPersistentlyOn(LAB.b(), "vm-nodisk");
        assertAbsentFrom(LAB.a(), "vm-nodisk");
    }

    @Test
    @Order(4)
    void theSimplestMigrationWorks() {
        LAB.defineAndStartDisklessGuest(LAB.a(), "vm-plain");

        // Hosts with only a uri (no migration-address) and a request with no options: no typed parameter at all.
        Api.Reply created = migrate(Map.of("domain", "vm-plain", "sourceHost", "plain-a", "targetHost", "plain-b"));

        assertThat(created.status()).as(created.body()).isEqualTo(202);
        assertThat(created.json().get("parameters").has("migrateUri")).isFalse();
        JsonNode done = awaitEnd(created.json().get("id").asString());
        assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertRunsPersistentlyOn(LAB.b(), "vm-plain");
        assertAbsentFrom(LAB.a(), "vm-plain");
    }

    @Test
    @Order(5)
    void retriesWithTheSameKeyStartOneMigrationAndAParallelOneGets409ThenCancel() throws Exception {
        LAB.defineAndStartBusyGuest(LAB.a(), "vm-busy", true);
        Map<String, Object> body = Map.of("domain", "vm-busy", "sourceHost", "lab-a", "targetHost", "lab-b",
                "options", Map.of("bandwidthMiBps", 1));

        Api.Reply first = migrate(body, "key-1");
        Api.Reply retried = migrate(body, "key-1");
        CompletableFuture<Api.Reply> parallel = CompletableFuture.supplyAsync(() -> migrate(Map.of("domain", "vm-busy",
                "sourceHost", "lab-a", "targetHost", "lab-b", "options", Map.of("bandwidthMiBps", 2))));

        assertThat(first.status()).as(first.body()).isEqualTo(202);
        String id = first.json().get("id").asString();
        assertThat(retried.status()).isEqualTo(202);
        assertThat(retried.json().get("id").asString()).isEqualTo(id);
        assertThat(retried.header("Idempotent-Replayed")).isEqualTo("true");
        Api.Reply conflict = parallel.get();
        assertThat(conflict.status()).as(conflict.body()).isEqualTo(409);
        assertThat(conflict.json().get("activeMigration").asString()).isEqualTo(id);
        assertThat(api.get("/v1/migrations?domain=vm-busy").json().get("items")).hasSize(1);
        Api.Reply otherBody = migrate(Map.of("domain", "vm-busy", "sourceHost", "lab-a", "targetHost", "lab-b"), "key-1");
        assertThat(otherBody.status()).isEqualTo(422);
        assertThat(otherBody.json().get("type").asString()).isEqualTo(PROBLEM + "idempotency-key-reused");

        JsonNode running = await(id, Duration.ofSeconds(30),
                job -> job.get("state").asString().equals("RUNNING") && job.has("progress")
                        && job.get("progress").has("memoryProcessed")
                        && job.get("progress").get("memoryProcessed").asLong() > 0);
        assertThat(running.get("progress").get("memoryTotal").asLong()).isPositive();
        assertThat(running.get("progress").get("timeElapsedMs").asLong()).isPositive();

        Api.Reply cancel = api.post("/v1/migrations/" + id + "/cancel", "application/json",
                HttpRequest.BodyPublishers.noBody());
        assertThat(cancel.status()).as(cancel.body()).isEqualTo(202);
        JsonNode cancelled = awaitEnd(id);
        assertThat(cancelled.get("state").asString()).as(cancelled.toString()).isEqualTo("CANCELLED");
        assertThat(cancelled.get("error").get("code").asString()).isEqualTo("VIR_ERR_OPERATION_ABORTED");
        assertThat(LAB.a().virsh("domstate", "vm-busy")).isEqualTo("running");
        assertAbsentFrom(LAB.b(), "vm-busy");
        Api.Reply again = api.post("/v1/migrations/" + id + "/cancel", "application/json",
                HttpRequest.BodyPublishers.noBody());
        assertThat(again.status()).isEqualTo(409);
    }

    @Test
    @Order(6)
    void aMigrationOverItsTimeoutIsAborted() {
        Api.Reply created = migrate(Map.of("domain", "vm-busy", "sourceHost", "lab-a", "targetHost", "lab-b",
                "options", Map.of("bandwidthMiBps", 1, "timeoutSeconds", 2)));

        JsonNode done = awaitEnd(created.json().get("id").asString());

        assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("FAILED");
        assertThat(done.get("error").get("code").asString()).isEqualTo("TIMEOUT");
        assertThat(LAB.a().virsh("domstate", "vm-busy")).isEqualTo("running");
    }

    @Test
    @Order(7)
    void theJobListIsNewestFirstAndPaginated() {
        JsonNode page1 = api.get("/v1/migrations?limit=2").json();
        assertThat(page1.get("items")).hasSize(2);
        String cursor = page1.get("nextCursor").asString();
        JsonNode page2 = api.get("/v1/migrations?limit=2&cursor=" + cursor).json();
        assertThat(page2.get("items").get(0).get("createdAt").asString())
                .isLessThanOrEqualTo(page1.get("items").get(1).get("createdAt").asString());
        assertThat(api.get("/v1/migrations?status=CANCELLED").json().get("items")).hasSize(1);
        assertThat(api.get("/v1/migrations?decision=ALLOWED_UNSAFE").json().get("items")).hasSize(1);
        assertThat(api.get("/v1/migrations?domain=" + LibvirtLab.GUEST).json().get("items")).hasSize(2);
        assertThat(api.get("/v1/migrations?status=running").status()).isEqualTo(400);
        assertThat(api.get("/v1/migrations/nope").status()).isEqualTo(404);
    }

    private Api.Reply migrate(Map<String, ?> body) {
        return api.postJson("/v1/migrations", body);
    }

    private Api.Reply migrate(Map<String, ?> body, String key) {
        return api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/migrations"))
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(tools.jackson.databind.json.JsonMapper.builder().build()
                        .writeValueAsString(body))).build());
    }

    private JsonNode awaitEnd(String id) {
        return await(id, Duration.ofSeconds(90),
                job -> Set.of("SUCCEEDED", "FAILED", "CANCELLED").contains(job.get("state").asString()));
    }

    private JsonNode await(String id, Duration timeout, java.util.function.Predicate<JsonNode> done) {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode job;
        do {
            job = api.get("/v1/migrations/" + id).json();
            if (done.test(job)) {
                return job;
            }
            sleep(200);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("migration " + id + " did not get there within " + timeout + ": " + job);
    }

    private long jobCount() {
        return jdbc.sql("SELECT COUNT(*) FROM migration_jobs").query(Long.class).single();
    }

    private static void assertRunsPersistentlyOn(LibvirtLab.Daemon daemon, String domain) {
        String info = daemon.virsh("dominfo", domain);
        assertThat(info).containsPattern("State:\\s+running").containsPattern("Persistent:\\s+yes");
    }

    private static void assertAbsentFrom(LibvirtLab.Daemon daemon, String domain) {
        List<String> all = daemon.virsh("list", "--all", "--name").lines().map(String::strip).toList();
        assertThat(all).doesNotContain(domain);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
