package io.migrationgatekeeper.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.migrationgatekeeper.inventory.HostInventory;
import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.testsupport.Api;
import io.migrationgatekeeper.testsupport.RequiresLibvirt;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.StoragePool;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

/** Lookups against libvirt's in-process test driver: the sample hosts are {@code test:///default}. */
@RequiresLibvirt
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gatekeeper.hosts.gone.uri=qemu+unix:///session?socket=/nonexistent/libvirt-sock",
        "gatekeeper.libvirt.retry-after=7s",
        "gatekeeper.libvirt.probe.interval=1s"})
@ActiveProfiles("sample")
class TestDriverHostsIT {

    /** The test driver's built-in running domain. */
    private static final String TEST_UUID = "6695eb01-f6a4-8304-79aa-97f2502e193f";
    private static final String PROBLEM = "urn:migration-gatekeeper:problem:";

    @LocalServerPort
    int port;

    @Autowired
    HostConnections connections;

    @Autowired
    HostInventory inventory;

    @Autowired
    DomainListing listing;

    private static final Instant STARTED = Instant.now();

    Api api;

    @BeforeEach
    void client() {
        api = new Api(port);
    }

    @Test
    void preflightsADomainByNameFromItsHost() {
        Api.Reply reply = api.postJson("/v1/preflight", Map.of(
                "domain", Map.of("host", "kvm-a1", "name", "test"), "targetHost", "kvm-b1"));

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode body = reply.json();
        assertThat(body.get("domain").get("name").asString()).isEqualTo("test");
        assertThat(body.get("domain").get("uuid").asString()).isEqualTo(TEST_UUID);
        assertThat(body.get("definition").toString()).isEqualTo("{\"origin\":\"host\",\"host\":\"kvm-a1\",\"active\":true}");
        assertThat(body.get("request").get("sourceHost").asString()).isEqualTo("kvm-a1");
        // The test driver's domain has one file disk on local storage, as far as the sample policy knows.
        assertThat(body.get("decision").asString()).isEqualTo("DENIED");
        assertThat(body.get("disks").get(0).get("source").asString()).isEqualTo("/guest/diskimage1");
        assertThat(body.get("disks").get(0).get("reason").asString()).isEqualTo("STORAGE_NOT_SHARED");
    }

    @Test
    void preflightsADomainByUuid() {
        Api.Reply reply = api.postJson("/v1/preflight", Map.of("domain", Map.of("host", "kvm-b1", "uuid", TEST_UUID)));

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().get("domain").get("name").asString()).isEqualTo("test");
        assertThat(reply.json().get("definition").get("host").asString()).isEqualTo("kvm-b1");
    }

    @Test
    void unknownDomainIs404() {
        Api.Reply byName = api.postJson("/v1/preflight", Map.of("domain", Map.of("host", "kvm-a1", "name", "nosuchvm")));
        Api.Reply byUuid = api.postJson("/v1/preflight",
                Map.of("domain", Map.of("host", "kvm-a1", "uuid", "00000000-0000-0000-0000-000000000042")));

        for (Api.Reply reply : List.of(byName, byUuid)) {
            assertThat(reply.status()).as(reply.body()).isEqualTo(404);
            assertThat(reply.json().get("type").asString()).isEqualTo(PROBLEM + "domain-not-found");
            assertThat(reply.json().get("host").asString()).isEqualTo("kvm-a1");
        }
        assertThat(byName.json().get("detail").asString()).contains("nosuchvm");
    }

    /**
     * A host outside the inventory is refused before any host is asked anything. The target is checked before the
     * source is read: with the source "gone", whose libvirtd does not exist, reading it first would answer 503
     * host-unavailable instead of naming the unknown target. (Counting connections opened could not show this: a
     * call on a connected host reuses its connection, and the probe retries "gone" every second.)
     */
    @Test
    void unknownHostsAreRefusedBeforeAnyHostIsAsked() {
        Api.Reply source = api.postJson("/v1/preflight", Map.of("domain", Map.of("host", "evil.example.com", "name", "test")));
        Api.Reply target = api.postJson("/v1/preflight",
                Map.of("domain", Map.of("host", "gone", "name", "test"), "targetHost", "evil.example.com"));
        Api.Reply migration = api.postJson("/v1/migrations",
                Map.of("domain", "test", "sourceHost", "gone", "targetHost", "evil.example.com"));

        assertThat(source.status()).isEqualTo(400);
        assertThat(source.json().get("type").asString()).isEqualTo(PROBLEM + "unknown-host");
        for (Api.Reply reply : List.of(target, migration)) {
            assertThat(reply.status()).as(reply.body()).isEqualTo(400);
            assertThat(reply.json().get("type").asString()).isEqualTo(PROBLEM + "unknown-host");
            assertThat(reply.json().get("parameter").asString()).isEqualTo("targetHost");
        }
        // The same requests with a known target do reach "gone", and fail there: the check above is what spared it.
        Api.Reply reached = api.postJson("/v1/preflight",
                Map.of("domain", Map.of("host", "gone", "name", "test"), "targetHost", "kvm-a2"));
        assertThat(reached.status()).as(reached.body()).isEqualTo(503);
    }

    @Test
    void badDomainReferencesAre400() {
        assertThat(api.postJson("/v1/preflight", Map.of("domain", Map.of("host", "kvm-a1"))).json().get("detail")
                .asString()).contains("exactly one of domain.name and domain.uuid");
        assertThat(api.postJson("/v1/preflight", Map.of("domain", Map.of("host", "kvm-a1", "uuid", "not-a-uuid")))
                .status()).isEqualTo(400);
        assertThat(api.postJson("/v1/preflight", Map.of("domain", Map.of("host", "kvm-a1", "name", "test"),
                "domainXml", "<domain/>")).json().get("detail").asString()).contains("not both");
        assertThat(api.postJson("/v1/preflight", Map.of("domain", Map.of("host", "kvm-a1", "name", "test"),
                "sourceHost", "kvm-a2")).json().get("parameter").asString()).isEqualTo("sourceHost");
        assertThat(api.postJson("/v1/preflight", Map.of("domain", Map.of("host", "kvm-a1", "name", "test"),
                "targetHost", "kvm-a1")).json().get("parameter").asString()).isEqualTo("targetHost");
    }

    @Test
    void hostsShowTheirConnectionAndVersions() {
        // The background probe connects every host shortly after start-up; nobody has to ask first.
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/v1/hosts").json().get(1).get("connection")
                .get("state").asString().equals("CONNECTED"));
        JsonNode hosts = api.get("/v1/hosts").json();

        assertThat(hosts).hasSize(4);
        JsonNode a1 = hosts.get(1);
        assertThat(a1.get("name").asString()).isEqualTo("kvm-a1");
        assertThat(a1.get("uri").asString()).isEqualTo("test:///default");
        assertThat(a1.get("connection").get("state").asString()).isEqualTo("CONNECTED");
        assertThat(Instant.parse(a1.get("connection").get("lastContact").asString())).isAfter(STARTED);
        assertThat(a1.get("libvirtVersion").asString()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(a1.get("hypervisor").get("type").asString()).isEqualTo("TEST");
        assertThat(a1.get("labels").get("cluster").asString()).isEqualTo("a");
        assertThat(a1.get("qemuDropCache").asString()).isEqualTo("true");
        assertThat(a1.get("dropCacheApplies").asBoolean()).isTrue();

        JsonNode one = api.get("/v1/hosts/kvm-b1").json();
        assertThat(one.get("name").asString()).isEqualTo("kvm-b1");
        assertThat(one.get("dropCacheApplies").asBoolean()).isFalse();
        Api.Reply missing = api.get("/v1/hosts/nope");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("type").asString()).isEqualTo(PROBLEM + "host-not-found");
        assertThat(api.get("/actuator/health/libvirt").json().get("status").asString()).isEqualTo("UP");
    }

    @Test
    void everyHandleALookupOpensIsFreedWhenTheCallReturns() {
        InventoryHost host = inventory.require("test", "kvm-b1");
        for (int i = 0; i < 3; i++) {
            assertThat(api.postJson("/v1/preflight", Map.of("domain", Map.of("host", "kvm-b1", "name", "test")))
                    .status()).isEqualTo(200);
            assertThat(api.postJson("/v1/preflight", Map.of("domain", Map.of("host", "kvm-b1", "uuid", TEST_UUID)))
                    .status()).isEqualTo(200);
            assertThat(api.postJson("/v1/preflight", Map.of("domain", Map.of("host", "kvm-b1", "name", "nosuchvm")))
                    .status()).isEqualTo(404);
        }

        // virConnectClose answers how many references are left: every unfreed Domain holds one.
        assertThat(connections.closeShared(host)).as("references left on the connection").isZero();
        assertThat(api.postJson("/v1/preflight", Map.of("domain", Map.of("host", "kvm-b1", "name", "test"))).status())
                .as("the next call opens a new connection").isEqualTo(200);
    }

    @Test
    void storagePoolsAreReadFromTheHostAndClassifyItsDisks() throws Exception {
        // The test driver's state is shared by every test:///default connection in this process: the hosts see it.
        Connect admin = new Connect("test:///default");
        StoragePool gv0 = admin.storagePoolDefineXML("<pool type='netfs'><name>gv0</name><source><host name='gluster1'/>"
                + "<dir path='/gv0'/><format type='glusterfs'/></source><target><path>/mnt/gv0</path></target></pool>", 0);
        StoragePool idle = admin.storagePoolDefineXML("<pool type='netfs'><name>idle-nfs</name><source><host name='nas'/>"
                + "<dir path='/x'/><format type='nfs'/></source><target><path>/mnt/idle</path></target></pool>", 0);
        try {
            gv0.create(0);
            // A host shows its pools once connected: the background probe connects it within a second here.
            InventoryHost a1 = inventory.require("test", "kvm-a1");
            await().atMost(Duration.ofSeconds(20)).until(() -> connections.snapshot(a1).state() == ConnectionState.CONNECTED);

            JsonNode pools = api.get("/v1/hosts/kvm-a1").json().get("storagePools");

            assertThat(pools.has("error")).as(pools.toString()).isFalse();
            assertThat(pools.get("pools").toString()).contains(
                    "{\"name\":\"default-pool\",\"type\":\"dir\",\"targetPath\":\"/default-pool\",\"active\":true,"
                            + "\"storageClass\":\"local\"}",
                    "{\"name\":\"gv0\",\"type\":\"netfs\",\"sourceFormat\":\"glusterfs\",\"targetPath\":\"/mnt/gv0\","
                            + "\"active\":true,\"storageClass\":\"cluster\"}",
                    "{\"name\":\"idle-nfs\",\"type\":\"netfs\",\"sourceFormat\":\"nfs\",\"targetPath\":\"/mnt/idle\","
                            + "\"active\":false,\"storageClass\":\"shared\"}");
            assertThat(api.get("/v1/hosts").json().get(1).has("storagePools")).as("only the single host view reads them")
                    .isFalse();

            String xml = "<domain type='kvm'><name>p</name><devices>"
                    + "<disk type='file'><driver name='qemu' cache='writeback'/><source file='/mnt/gv0/a.img'/><target dev='vda'/></disk>"
                    + "<disk type='volume'><driver name='qemu' cache='none'/><source pool='default-pool' volume='b.img'/><target dev='vdb'/></disk>"
                    + "<disk type='file'><driver name='qemu' cache='none'/><source file='/mnt/idle/c.img'/><target dev='vdc'/></disk>"
                    + "</devices></domain>";
            JsonNode fromA1 = api.postXml("/v1/preflight?sourceHost=kvm-a1&targetHost=kvm-a2", xml).json();
            JsonNode bare = api.postXml("/v1/preflight", xml).json();

            assertThat(reasons(fromA1)).containsExactly("CLUSTER_FS",
                    "STORAGE_NOT_SHARED", "STORAGE_NOT_SHARED");
            assertThat(fromA1.get("disks").get(0).get("message").asString()).contains("netfs pool gv0 (glusterfs)");
            assertThat(fromA1.get("disks").get(0).get("libvirtVerdict").get("reason").asString()).isEqualTo("CLUSTER_FS");
            assertThat(fromA1.get("libvirtFlags").get("unsafe").asBoolean()).isFalse();
            assertThat(reasons(bare)).as("no source host, no pools").containsExactly(
                    "STORAGE_NOT_SHARED", "SAFE_CACHE_MODE", "STORAGE_NOT_SHARED");
        } finally {
            gv0.destroy();
            gv0.undefine();
            gv0.free();
            idle.undefine();
            idle.free();
            admin.close();
        }
    }

    @Test
    void listingAHostsDomainsFreesEveryHandle() {
        InventoryHost host = inventory.require("test", "kvm-a2");
        for (int i = 0; i < 5; i++) {
            JsonNode listing = api.get("/v1/hosts/kvm-a2/domains").json();
            assertThat(listing.get("domains").get(0).get("name").asString()).isEqualTo("test");
        }

        // virConnectClose answers how many references are left: every unfreed Domain holds one.
        assertThat(connections.closeShared(host)).as("references left on the connection").isZero();
    }

    @Test
    void drainingAHostFreesEveryHandleItsListingLookedUp() {
        InventoryHost host = inventory.require("test", "kvm-a2");
        for (int i = 0; i < 5; i++) {
            Api.Reply plan = api.postJson("/v1/drains", Map.of("sourceHost", "kvm-a2", "targetHosts", List.of("kvm-b1"),
                    "dryRun", true));
            assertThat(plan.status()).as(plan.body()).isEqualTo(200);
            assertThat(plan.json().get("domains").get(0).get("domain").get("name").asString()).isEqualTo("test");
        }

        // virConnectClose answers how many references are left: every unfreed Domain holds one.
        assertThat(connections.closeShared(host)).as("references left on the connection").isZero();
    }

    @Test
    void aDomainThatVanishesWhileTheHostIsListedIsLeftOutOfEitherListing() throws Exception {
        InventoryHost host = inventory.require("test", "kvm-a1");
        // The test driver's state is shared by every test:///default connection in this process: the hosts see it.
        Connect admin = new Connect("test:///default");
        try {
            for (DomainListing.Selection selection : DomainListing.Selection.values()) {
                List<String> created = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    String name = "vanishing-" + selection + "-" + i;
                    admin.domainCreateXML("<domain type='test'><name>" + name + "</name><memory>65536</memory>"
                            + "<os><type>hvm</type></os></domain>", 0).free();
                    created.add(name);
                }
                Set<String> destroyed = new HashSet<>();

                // While the first domain is read, the other transient ones end, and with that are gone.
                List<String> listed = listing.list(host, selection, "listing for the test", domain -> {
                    String name = domain.name();
                    if (destroyed.isEmpty()) {
                        for (String other : created) {
                            if (!other.equals(name)) {
                                Domain gone = admin.domainLookupByName(other);
                                gone.destroy();
                                gone.free();
                                destroyed.add(other);
                            }
                        }
                    }
                    domain.xml();
                    return name;
                });

                assertThat(destroyed).as(selection.name()).hasSizeGreaterThanOrEqualTo(2);
                assertThat(listed).as(selection.name()).contains("test").doesNotContainAnyElementsOf(destroyed);
                for (String name : created) {
                    if (!destroyed.contains(name)) {
                        Domain left = admin.domainLookupByName(name);
                        left.destroy();
                        left.free();
                    }
                }
            }
        } finally {
            admin.close();
        }
        assertThat(connections.closeShared(host)).as("references left, skipped domains included").isZero();
    }

    @Test
    void aLibvirtCallFromInsideAHostCallIsRefusedBeforeItCanWaitOnItself() {
        InventoryHost host = inventory.require("test", "kvm-a1");

        assertThatThrownBy(() -> connections.call(host, "the outer call",
                session -> connections.call(host, "the inner call", inner -> inner.connect().getLibVersion())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'the inner call' on host 'kvm-a1' made from inside the call 'the outer call'");
        assertThat(api.get("/v1/hosts/kvm-a1/domains").status()).as("the fleet view asks nothing inside its listing")
                .isEqualTo(200);
    }

    @Test
    void theProbeKeepsEveryHostCurrentWithoutRequests() {
        var b1 = inventory.find("kvm-b1").orElseThrow();
        await().atMost(Duration.ofSeconds(20)).until(() -> connections.snapshot(b1).state() == ConnectionState.CONNECTED);
        long opened = connections.opened(b1);
        Instant contact = connections.snapshot(b1).lastContact();

        // The test's probe interval is 1s: the host is asked again and again, and each answer is contact.
        await().atMost(Duration.ofSeconds(20)).until(() -> connections.snapshot(b1).lastContact().isAfter(contact));
        JsonNode gone = await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/v1/hosts/gone").json(),
                h -> h.get("connection").has("lastError"));
        assertThat(gone.get("connection").get("state").asString()).isEqualTo("DISCONNECTED");
        assertThat(gone.get("connection").has("lastContact")).isFalse();
        assertThat(Instant.parse(gone.get("connection").get("lastErrorAt").asString())).isAfter(STARTED);
        // A connected host is asked on its one connection, not reconnected each time.
        assertThat(connections.opened(b1)).isEqualTo(opened);
        assertThat(api.get("/actuator/health/libvirt").json().get("details").get("disconnected").asInt()).isPositive();
    }

    @Test
    void anUnreachableHostIs503WithRetryAfterAndTheServiceStaysLive() {
        Api.Reply reply = api.postJson("/v1/preflight", Map.of("domain", Map.of("host", "gone", "name", "vm1")));

        assertThat(reply.status()).as(reply.body()).isEqualTo(503);
        assertThat(reply.json().get("type").asString()).isEqualTo(PROBLEM + "host-unavailable");
        assertThat(reply.header("Retry-After")).isEqualTo("7");
        assertThat(reply.json().get("detail").asString()).contains("gone", "unreachable");

        JsonNode gone = api.get("/v1/hosts/gone").json();
        assertThat(gone.get("connection").get("state").asString()).isEqualTo("DISCONNECTED");
        assertThat(gone.get("connection").get("lastError").asString()).isNotBlank();
        // A host down is the fleet's fact, not the service's: its health stays UP.
        assertThat(api.get("/actuator/health").status()).isEqualTo(200);
        assertThat(api.get("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(api.get("/actuator/health/readiness").status()).isEqualTo(200);
    }

    private static List<String> reasons(JsonNode evaluation) {
        List<String> reasons = new java.util.ArrayList<>();
        evaluation.get("disks").forEach(d -> reasons.add(d.get("reason").asString()));
        return reasons;
    }
}
