package io.migrationgatekeeper.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.migrationgatekeeper.testsupport.Api;
import io.migrationgatekeeper.testsupport.LibvirtLab;
import io.migrationgatekeeper.testsupport.RequiresLibvirt;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Issue 11's lab test for drains, between two real libvirt daemons: three guests on lab-a — a writeback disk on
 * local storage, a writeback disk in a directory the policy declares a cluster filesystem libvirt cannot see
 * ({@code moosefs, cluster: true}), and no disk. Draining lab-a moves the two movable guests to lab-b (both jobs
 * SUCCEEDED, the guests run there) and leaves the blocked one running on lab-a; the drain reports 2 moved, 1 blocked
 * with its reason. Then a drain back is cancelled while its jobs wait and run.
 */
@RequiresLibvirt(daemons = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gatekeeper.hosts.lab-a.migration-address=127.0.0.1",
        "gatekeeper.hosts.lab-b.migration-address=127.0.0.1",
        "gatekeeper.migrations.poll-interval=200ms",
        "gatekeeper.migrations.orphan-after=10s",
        "gatekeeper.libvirt.call-timeout=5s"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabDrainIT {

    private static final LibvirtLab LAB = LibvirtLab.create();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void hosts(DynamicPropertyRegistry registry) {
        registry.add("gatekeeper.hosts.lab-a.uri", () -> LAB.a().uri());
        registry.add("gatekeeper.hosts.lab-b.uri", () -> LAB.b().uri());
        registry.add("gatekeeper.policy.filesystems[0].path", () -> cluster().toString());
        registry.add("gatekeeper.policy.filesystems[0].type", () -> "moosefs");
        registry.add("gatekeeper.policy.filesystems[0].cluster", () -> "true");
    }

    private static Path cluster() {
        return LAB.root().resolve("moose");
    }

    @BeforeAll
    static void startLab() throws IOException {
        LAB.startDaemons();
        Path local = LAB.images().resolve("drain-local.qcow2");
        LAB.image(local, "qcow2", "16M");
        LAB.defineAndStart(LAB.a(), "drain-local", LibvirtLab.guestXml("drain-local", local, "writeback"));
        Files.createDirectories(cluster());
        Path shared = cluster().resolve("drain-cluster.qcow2");
        LAB.image(shared, "qcow2", "16M");
        LAB.defineAndStart(LAB.a(), "drain-cluster", LibvirtLab.guestXml("drain-cluster", shared, "writeback"));
        LAB.defineAndStartDisklessGuest(LAB.a(), "drain-nodisk");
    }

    @AfterAll
    static void stopLab() {
        LAB.close();
    }

    @Test
    @Order(1)
    void drainingAHostMovesTheMovableGuestsAndLeavesTheBlockedOneRunning() {
        Api api = new Api(port);
        JsonNode plan = api.postJson("/v1/drains", Map.of("sourceHost", "lab-a", "dryRun", true)).json();
        assertThat(plan.get("totals").get("movable").asInt()).as(plan.toString()).isEqualTo(2);

        Api.Reply started = api.postJson("/v1/drains", Map.of("sourceHost", "lab-a"));

        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String id = started.json().get("id").asString();
        JsonNode drain = awaitState(api, id, Set.of("DONE"), Duration.ofSeconds(180));
        JsonNode totals = drain.get("totals");
        assertThat(totals.get("moved").asInt()).as(drain.toString()).isEqualTo(2);
        assertThat(totals.get("blocked").asInt()).isEqualTo(1);
        assertThat(totals.get("failed").asInt()).isZero();
        JsonNode blocked = DrainsApiIT.entry(drain, "drain-local");
        assertThat(blocked.get("decision").asString()).isEqualTo("DENIED");
        assertThat(blocked.get("reasons").get(0).asString()).isEqualTo("STORAGE_NOT_SHARED");
        assertThat(blocked.get("violations").get(0).get("message").asString())
                .isEqualTo("Unsafe migration: Migration without shared storage is unsafe");
        for (String moved : List.of("drain-cluster", "drain-nodisk")) {
            JsonNode entry = DrainsApiIT.entry(drain, moved);
            assertThat(entry.get("migrationState").asString()).as(entry.toString()).isEqualTo("SUCCEEDED");
            assertThat(entry.get("targetHost").asString()).isEqualTo("lab-b");
            JsonNode job = api.get("/v1/migrations/" + entry.get("migrationId").asString()).json();
            assertThat(job.get("state").asString()).isEqualTo("SUCCEEDED");
            assertRunningOn(LAB.b(), moved);
            assertThat(names(LAB.a(), "--all")).doesNotContain(moved);
        }
        assertThat(api.get("/v1/migrations/" + DrainsApiIT.entry(drain, "drain-cluster").get("migrationId").asString())
                .json().get("libvirtFlags").get("names").toString()).as("libvirt cannot see the cluster filesystem")
                .contains("VIR_MIGRATE_UNSAFE");
        assertRunningOn(LAB.a(), "drain-local");
    }

    @Test
    @Order(2)
    void cancellingADrainCancelsItsQueuedJobsAndAbortsTheRunningOne() {
        Api api = new Api(port);
        // lab-b runs two guests now; max-outbound-per-host is 1, so one job runs while the other waits.
        Api.Reply started = api.postJson("/v1/drains", Map.of("sourceHost", "lab-b", "targetHosts", List.of("lab-a")));
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String id = started.json().get("id").asString();

        Api.Reply cancelled = api.post("/v1/drains/" + id + "/cancel", "application/json",
                HttpRequest.BodyPublishers.noBody());

        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(202);
        assertThat(cancelled.json().get("cancelledAt").asString()).isNotBlank();
        JsonNode drain = awaitState(api, id, Set.of("CANCELLED"), Duration.ofSeconds(90));
        JsonNode totals = drain.get("totals");
        assertThat(totals.get("pending").asInt()).isZero();
        assertThat(totals.get("cancelled").asInt()).as(drain.toString()).isGreaterThanOrEqualTo(1);
        assertThat(totals.get("cancelled").asInt() + totals.get("moved").asInt()).isEqualTo(2);
        // Every guest runs on exactly one host, whichever way its job ended.
        for (String guest : List.of("drain-cluster", "drain-nodisk")) {
            boolean onA = names(LAB.a(), "--state-running").contains(guest);
            boolean onB = names(LAB.b(), "--state-running").contains(guest);
            assertThat(onA ^ onB).as(guest + " on a: " + onA + ", on b: " + onB).isTrue();
        }
    }

    private static JsonNode awaitState(Api api, String id, Set<String> states, Duration timeout) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(timeout).pollInterval(Duration.ofMillis(300)).until(() -> {
            last[0] = api.get("/v1/drains/" + id).json();
            return states.contains(last[0].get("state").asString());
        });
        return last[0];
    }

    private static void assertRunningOn(LibvirtLab.Daemon daemon, String domain) {
        assertThat(daemon.virsh("dominfo", domain)).containsPattern("State:\\s+running");
    }

    private static List<String> names(LibvirtLab.Daemon daemon, String filter) {
        return daemon.virsh("list", filter, "--name").lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
