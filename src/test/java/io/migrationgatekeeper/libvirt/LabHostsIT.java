package io.migrationgatekeeper.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.migrationgatekeeper.inventory.HostInventory;
import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.migration.MigrationGateway;
import io.migrationgatekeeper.migration.MigrationPlan;
import io.migrationgatekeeper.policy.MigrationFlag;

import io.migrationgatekeeper.testsupport.Api;
import io.migrationgatekeeper.testsupport.LibvirtLab;
import io.migrationgatekeeper.testsupport.RequiresLibvirt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** The gatekeeper against two real libvirt daemons and a running QEMU guest. */
@RequiresLibvirt(daemons = true, fuse = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gatekeeper.libvirt.call-timeout=3s",
        "gatekeeper.libvirt.keepalive-interval=1s",
        "gatekeeper.libvirt.keepalive-count=2",
        "gatekeeper.libvirt.probe.interval=1s",
        "gatekeeper.hosts.lab-a.qemu-drop-cache=auto",
        "gatekeeper.hosts.lab-b.qemu-drop-cache=auto"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabHostsIT {

    private static final LibvirtLab LAB = LibvirtLab.create();

    @LocalServerPort
    int port;

    @Autowired
    HostConnections connections;

    @Autowired
    MigrationGateway gateway;

    @Autowired
    HostInventory inventory;

    Api api;

    @DynamicPropertySource
    static void hosts(DynamicPropertyRegistry registry) {
        registry.add("gatekeeper.hosts.lab-a.uri", () -> LAB.a().uri());
        registry.add("gatekeeper.hosts.lab-b.uri", () -> LAB.b().uri());
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

    @Test
    @Order(1)
    void readsAndEvaluatesTheLiveXmlOfTheRunningGuest() {
        Api.Reply reply = api.postJson("/v1/preflight", Map.of(
                "domain", Map.of("host", "lab-a", "name", LibvirtLab.GUEST), "targetHost", "lab-b"));

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode body = reply.json();
        assertThat(body.get("definition").toString()).isEqualTo("{\"origin\":\"host\",\"host\":\"lab-a\",\"active\":true}");
        JsonNode disk = body.get("disks").get(0);
        assertThat(disk.get("source").asString()).isEqualTo(LAB.images().resolve("vm1.qcow2").toString());
        assertThat(disk.get("cache").asString()).isEqualTo("writeback");
        assertThat(disk.get("reason").asString()).isEqualTo("STORAGE_NOT_SHARED");
        assertThat(body.get("decision").asString()).isEqualTo("DENIED");

        String uuid = body.get("domain").get("uuid").asString();
        Api.Reply byUuid = api.postJson("/v1/preflight", Map.of("domain", Map.of("host", "lab-a", "uuid", uuid)));
        assertThat(byUuid.json().get("domain").get("name").asString()).isEqualTo(LibvirtLab.GUEST);
        Api.Reply elsewhere = api.postJson("/v1/preflight", Map.of("domain", Map.of("host", "lab-b", "uuid", uuid)));
        assertThat(elsewhere.status()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void hostsShowBothDaemonsWithTheirVersions() {
        JsonNode hosts = api.get("/v1/hosts").json();

        assertThat(hosts).hasSize(2);
        for (JsonNode host : hosts) {
            assertThat(host.get("connection").get("state").asString()).as(host.toString()).isEqualTo("CONNECTED");
            assertThat(host.get("libvirtVersion").asString()).matches("\\d+\\.\\d+\\.\\d+");
            assertThat(host.get("hypervisor").get("type").asString()).isEqualTo("QEMU");
            assertThat(host.get("hypervisor").get("version").asString()).matches("\\d+\\.\\d+\\.\\d+");
            assertThat(host.get("dropCacheApplies").asBoolean()).as("QEMU >= 4.0 under auto").isTrue();
        }
        JsonNode libvirt = api.get("/actuator/health/libvirt").json();
        assertThat(libvirt.get("details").get("connected").asInt()).isEqualTo(2);
        assertThat(libvirt.get("details").get("hosts").asInt()).isEqualTo(2);
    }

    @Test
    @Order(3)
    void aKilledAndRestartedDaemonIsReconnectedWithoutRestartingTheService() {
        long connects = connections.opened(host("lab-a"));

        LAB.a().kill();
        Api.Reply whileDown = preflightOnA();
        assertThat(whileDown.status()).as(whileDown.body()).isEqualTo(503);
        assertThat(whileDown.header("Retry-After")).isNotNull();

        LAB.a().start();
        Api.Reply afterRestart = preflightOnA();
        assertThat(afterRestart.status()).as(afterRestart.body()).isEqualTo(200);
        assertThat(afterRestart.json().get("definition").get("active").asBoolean())
                .as("the guest survived its daemon's crash").isTrue();
        assertThat(connections.opened(host("lab-a"))).as("connections opened").isGreaterThan(connects);
        assertThat(api.get("/v1/hosts/lab-a").json().get("connection").get("state").asString()).isEqualTo("CONNECTED");
    }

    @Test
    @Order(4)
    void aDaemonThatStopsAnsweringFailsCallsWithinTheTimeout() {
        assertThat(preflightOnA().status()).isEqualTo(200);
        LAB.a().freeze();
        try {
            Instant start = Instant.now();
            Api.Reply hung = preflightOnA();
            Duration took = Duration.between(start, Instant.now());

            assertThat(hung.status()).as(hung.body()).isEqualTo(503);
            // Either the call timeout or libvirt's keepalive (1 s x 2 here) notices first; both answer 503 in time.
            assertThat(hung.json().get("detail").asString()).containsAnyOf("did not answer", "keepalive");
            assertThat(took).as("bounded by call-timeout (3 s)").isLessThan(Duration.ofSeconds(6));
            Api.Reply again = preflightOnA();
            assertThat(again.status()).isEqualTo(503);
        } finally {
            LAB.a().thaw();
        }
        Api.Reply recovered = null;
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            recovered = preflightOnA();
            if (recovered.status() == 200) {
                break;
            }
        }
        assertThat(recovered.status()).as("answers again once the daemon does: %s", recovered.body()).isEqualTo(200);
    }

    @Test
    @Order(5)
    void aMigrationRunsOnAConnectionOfItsOwnThatIsClosedWithEveryHandleFreed() throws Exception {
        LAB.defineAndStartBusyGuest(LAB.a(), "vm-own", true);
        String uuid = LAB.a().virsh("domuuid", "vm-own");
        InventoryHost a = inventory.require("test", "lab-a");
        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.presence(a, uuid) == MigrationGateway.Presence.RUNNING);
        // Connections a previous test dropped may still be closing: count once the number holds still.
        int[] last = {-1};
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .until(() -> last[0] == (last[0] = LAB.a().clients()));
        int before = last[0];
        MigrationPlan plan = new MigrationPlan(LAB.b().uri(), MigrationFlag.LIVE.bit() | MigrationFlag.PEER2PEER.bit(),
                "tcp:127.0.0.1", "127.0.0.1", 1L, null, null, null);

        CompletableFuture<Void> migration = CompletableFuture.runAsync(() -> {
            try {
                gateway.migrate(a, uuid, plan);
            } catch (MigrationGateway.MigrationFailedException e) {
                throw new CompletionException(e);
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.progress(a, uuid).isPresent());

        assertThat(LAB.a().clients()).as("the migration's own connection, beside the shared one").isEqualTo(before + 1);
        gateway.abort(a, uuid);
        assertThatThrownBy(() -> migration.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(
                MigrationGateway.MigrationFailedException.class).cause().satisfies(e ->
                assertThat(((MigrationGateway.MigrationFailedException) e).aborted()).isTrue());
        await().atMost(Duration.ofSeconds(10)).until(() -> LAB.a().clients() == before);
        assertThat(connections.unfreedReferences()).as("references left when it was closed").isZero();
    }

    @Test
    @Order(6)
    void storagePoolsTheDaemonKnowsClassifyItsGuestsDisksWithoutADeclaration() {
        // A netfs pool of format cifs that libvirt finds already mounted, so it starts without mounting (the daemon
        // runs as nobody): libvirt matches the mount's source with the pool's, "//host/dir", which names a symlink
        // that resolves to the FUSE mount's backing directory. It reads the mount as fuse.quobyte, a shared
        // filesystem to its own check. And a dir pool on the lab's local images directory. Nothing is declared.
        Path share = LAB.fuseMount("share", "quobyte");
        Path backing = LAB.root().resolve("share-link");
        try {
            Files.createSymbolicLink(backing, LAB.root().resolve("share-backing"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(backing.getName(0).toString()).isEqualTo("tmp");
        LAB.a().virsh("pool-define", LAB.file("share-pool.xml", "<pool type='netfs'><name>share</name><source>"
                + "<host name='" + backing.getName(0) + "'/><dir path='" + backing.subpath(1, backing.getNameCount())
                + "'/><format type='cifs'/></source><target><path>" + share + "</path></target></pool>").toString());
        LAB.a().virsh("pool-start", "share");
        LAB.a().virsh("pool-define-as", "images", "dir", "--target", LAB.images().toString());
        LAB.a().virsh("pool-start", "images");
        Path image = share.resolve("vm-share.qcow2");
        LAB.image(image, "qcow2", "16M");
        LAB.defineAndStart(LAB.a(), "vm-share", LibvirtLab.guestXml("vm-share", image, "none"));

        JsonNode pools = api.get("/v1/hosts/lab-a").json().get("storagePools").get("pools");
        assertThat(pools.toString()).contains(
                "{\"name\":\"share\",\"type\":\"netfs\",\"sourceFormat\":\"cifs\",\"targetPath\":\"" + share
                        + "\",\"active\":true,\"storageClass\":\"shared\"}",
                "{\"name\":\"images\",\"type\":\"dir\",\"targetPath\":\"" + LAB.images()
                        + "\",\"active\":true,\"storageClass\":\"local\"}");

        JsonNode onShare = api.postJson("/v1/preflight", Map.of(
                "domain", Map.of("host", "lab-a", "name", "vm-share"), "targetHost", "lab-b")).json();
        assertThat(onShare.get("decision").asString()).as(onShare.toString()).isEqualTo("ALLOWED");
        JsonNode disk = onShare.get("disks").get(0);
        assertThat(disk.get("storageClass").asString()).isEqualTo("shared");
        assertThat(disk.get("reason").asString()).isEqualTo("SAFE_CACHE_MODE");
        assertThat(disk.get("libvirtVerdict").get("reason").asString()).isEqualTo("SAFE_CACHE_MODE");
        assertThat(onShare.get("libvirtFlags").get("unsafe").asBoolean()).isFalse();
        JsonNode onImages = preflightOnA().json().get("disks").get(0);
        assertThat(onImages.get("reason").asString()).isEqualTo("STORAGE_NOT_SHARED");
        assertThat(onImages.get("message").asString()).isEqualTo("Unsafe migration: Migration without shared storage is unsafe");

        // libvirt agrees by itself: the guest on the shared pool moves without VIR_MIGRATE_UNSAFE.
        LibvirtLab.Result moved = LAB.a().tryVirsh("migrate", "--live", "--p2p", "vm-share", LAB.b().uri(),
                "--migrateuri", "tcp:127.0.0.1", "--listen-address", "127.0.0.1");
        assertThat(moved.exit()).as(moved.output()).isZero();
    }

    @Test
    @Order(7)
    void theProbeNoticesAHungDaemonWithoutRequestsAndNeverPilesCallsOnIt() throws InterruptedException {
        var a = host("lab-a");
        await().atMost(Duration.ofSeconds(30)).until(() -> connections.snapshot(a).state() == ConnectionState.CONNECTED);
        LAB.a().freeze();
        int most = 0;
        try {
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> connections.snapshot(a).state() == ConnectionState.DISCONNECTED);
            // Eight probe intervals: each would add a thread blocked on the daemon if the probe did not skip it.
            Instant until = Instant.now().plusSeconds(8);
            while (Instant.now().isBefore(until)) {
                most = Math.max(most, connections.outstanding(a));
                Thread.sleep(100);
            }
            assertThat(api.get("/v1/hosts/lab-a").json().get("connection").get("lastError").asString()).isNotBlank();
        } finally {
            LAB.a().thaw();
        }
        assertThat(most).as("calls outstanding on the hung host").isLessThanOrEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> connections.snapshot(a).state() == ConnectionState.CONNECTED);
    }

    @Test
    @Order(8)
    void aSharedConnectionClosesWithNoReferenceLeft() {
        assertThat(preflightOnA().status()).isEqualTo(200);

        // A registered close listener holds a reference: closed without unregistering it first, the connection stayed
        // open until its daemon hung up.
        assertThat(connections.closeShared(host("lab-a"))).as("references left on lab-a's connection").isZero();
    }

    private Api.Reply preflightOnA() {
        return api.postJson("/v1/preflight", Map.of("domain", Map.of("host", "lab-a", "name", LibvirtLab.GUEST)));
    }

    private InventoryHost host(String name) {
        return inventory.require("test", name);
    }
}
