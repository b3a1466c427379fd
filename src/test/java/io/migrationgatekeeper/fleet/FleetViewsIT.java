package io.migrationgatekeeper.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.migrationgatekeeper.inventory.HostInventory;
import io.migrationgatekeeper.inventory.HostUnavailableException;
import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.testsupport.Api;
import io.migrationgatekeeper.testsupport.RequiresLibvirt;
import io.migrationgatekeeper.testsupport.SilentDaemon;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A host's domains and the fleet audit on libvirt's test driver: two hosts with domains of every kind (running,
 * paused, shut off, one too deep to judge), a host that hangs and a host that is gone; and a drain of the hung host,
 * which lists its domains the same way.
 */
@RequiresLibvirt
@AutoConfigureMetrics
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gatekeeper.libvirt.call-timeout=5s",
        "gatekeeper.audit.interval=1h",
        "gatekeeper.audit.concurrency=2",
        // Only the sweep calls the hung host, so what it meets there does not depend on a probe's timing.
        "gatekeeper.libvirt.probe.enabled=false",
        // The rule's facts would ask the hung host for its version whenever it is the source.
        "gatekeeper.hosts.hung.qemu-drop-cache=auto",
        // Deep enough for every definition the test driver writes, not for a-deep's metadata.
        "gatekeeper.preflight.max-depth=8",
        "gatekeeper.policy.filesystems[0].path=/srv/nfs",
        "gatekeeper.policy.filesystems[0].type=nfs"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetViewsIT {

    private static final String PROBLEM = "urn:migration-gatekeeper:problem:";
    private static final Path DIR = tempDir();
    private static final SilentDaemon HUNG = new SilentDaemon();

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    HostDomains hostDomains;

    @Autowired
    HostInventory inventory;

    Api api;

    @DynamicPropertySource
    static void hosts(DynamicPropertyRegistry registry) {
        registry.add("gatekeeper.hosts.fleet-a.uri", () -> node("fleet-a", """
                <domain type='test'><name>a-deep</name><memory>65536</memory><os><type>hvm</type></os>
                  <metadata><x:a xmlns:x='urn:example'><x:b><x:c><x:d><x:e><x:f><x:g><x:h>deep</x:h></x:g></x:f></x:e>
                  </x:d></x:c></x:b></x:a></metadata>
                  <devices>%s</devices></domain>
                <domain type='test'><name>a-local</name><memory>65536</memory><os><type>hvm</type></os>
                  <devices>%s</devices></domain>
                <domain type='test'><name>a-nfs</name><memory>65536</memory><os><type>hvm</type></os>
                  <devices>%s</devices></domain>
                <domain type='test'><name>a-off</name><memory>65536</memory><os><type>hvm</type></os>
                  <devices>%s</devices><test:runstate>5</test:runstate></domain>
                <domain type='test'><name>a-paused</name><memory>65536</memory><os><type>hvm</type></os>
                  <devices>%s</devices><test:runstate>3</test:runstate></domain>
                <domain type='test'><name>a-transient</name><memory>65536</memory><os><type>hvm</type></os>
                  <devices>%s</devices></domain>
                """.formatted(nfs("none", ""), local(), nfs("none", ""), local(), nfs("writeback", ""),
                nfs("none", "<transient/>"))));
        registry.add("gatekeeper.hosts.fleet-b.uri", () -> node("fleet-b", """
                <domain type='test'><name>b-1</name><memory>65536</memory><os><type>hvm</type></os>
                  <devices>%s</devices></domain>
                <domain type='test'><name>b-2</name><memory>65536</memory><os><type>hvm</type></os>
                  <devices>%s</devices></domain>
                """.formatted(nfs("none", ""), local())));
        registry.add("gatekeeper.hosts.hung.uri", HUNG::uri);
        registry.add("gatekeeper.hosts.gone.uri", () -> "test://" + DIR.resolve("missing.xml"));
    }

    @AfterAll
    static void cleanUp() {
        HUNG.close();
    }

    @BeforeEach
    void client() {
        api = new Api(port);
    }

    @Test
    @Order(2)
    void theAuditCountsEveryRunningDomainAndAHungHostCostsOnlyItsTimeout() {
        JsonNode audit = await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/v1/audit"),
                reply -> reply.status() == 200).json();

        assertThat(audit.get("hosts").asInt()).isEqualTo(4);
        assertThat(audit.get("unreachableHosts").asInt()).isEqualTo(2);
        assertThat(audit.get("domains").asInt()).isEqualTo(7);
        assertThat(audit.get("notMigratable").asInt()).isEqualTo(4);
        assertThat(audit.get("unevaluable").asInt()).isEqualTo(1);
        assertThat(counts(audit.get("byReason"))).isEqualTo(Map.of("STORAGE_NOT_SHARED", 2, "TRANSIENT_DISK", 1,
                "CACHE_MODE_UNSAFE", 1));
        Map<String, JsonNode> perHost = new HashMap<>();
        audit.get("perHost").forEach(h -> perHost.put(h.get("host").asString(), h));
        assertThat(perHost.get("fleet-a").get("domains").asInt()).isEqualTo(5);
        assertThat(perHost.get("fleet-a").get("notMigratable").asInt()).isEqualTo(3);
        assertThat(perHost.get("fleet-b").get("notMigratable").asInt()).isEqualTo(1);
        assertThat(perHost.get("hung").get("reachable").asBoolean()).isFalse();
        assertThat(perHost.get("hung").get("error").asString()).contains("did not answer");
        assertThat(perHost.get("gone").get("reachable").asBoolean()).isFalse();
        assertThat(perHost.get("gone").has("domains")).isFalse();
        // A hung host costs its slot the call timeout (5 s), not the sweep.
        assertThat(audit.get("durationMs").asLong()).isLessThan(30_000);

        String scrape = api.get("/actuator/prometheus").body();
        assertThat(scrape).contains("gatekeeper_audit_domains{application=\"migration-gatekeeper\",host=\"fleet-a\","
                + "migratable=\"false\"} 3.0", "gatekeeper_audit_domains{application=\"migration-gatekeeper\","
                + "host=\"fleet-a\",migratable=\"true\"} 1.0", "gatekeeper_audit_not_migratable{application="
                + "\"migration-gatekeeper\",reason=\"STORAGE_NOT_SHARED\"} 2.0", "gatekeeper_audit_hosts{application="
                + "\"migration-gatekeeper\",reachable=\"false\"} 2.0",
                // The staleness alert reads the configured interval (1h here), not the default.
                "gatekeeper_audit_interval_seconds{application=\"migration-gatekeeper\"} 3600.0")
                .doesNotContain("host=\"hung\",migratable");
    }

    @Test
    @Order(3)
    void aHostsDomainsCarryTheirStateAndVerdicts() {
        JsonNode listing = api.get("/v1/hosts/fleet-a/domains").json();

        assertThat(listing.get("host").asString()).isEqualTo("fleet-a");
        assertThat(listing.has("targetHost")).isFalse();
        assertThat(listing.get("storageMigration").asString()).isEqualTo("none");
        assertThat(listing.get("totals").toString()).isEqualTo(
                "{\"domains\":6,\"active\":5,\"migratable\":1,\"notMigratable\":3,\"unevaluable\":1}");
        Map<String, JsonNode> domains = byName(listing);
        assertThat(domains.keySet()).containsExactly("a-deep", "a-local", "a-nfs", "a-off", "a-paused", "a-transient");
        assertThat(domains.get("a-local").get("state").asString()).isEqualTo("RUNNING");
        assertThat(domains.get("a-local").get("persistent").asBoolean()).isTrue();
        assertThat(domains.get("a-local").get("uuid").asString()).hasSize(36);
        assertThat(domains.get("a-local").get("evaluation").toString()).isEqualTo("{\"decision\":\"DENIED\","
                + "\"ruleDecision\":\"DENIED\",\"violations\":[{\"disk\":\"vda\",\"reason\":\"STORAGE_NOT_SHARED\"}]}");
        assertThat(domains.get("a-nfs").get("evaluation").get("decision").asString()).isEqualTo("ALLOWED");
        assertThat(domains.get("a-nfs").get("evaluation").get("violations")).isEmpty();
        assertThat(domains.get("a-off").get("state").asString()).isEqualTo("SHUTOFF");
        assertThat(domains.get("a-off").has("evaluation")).as("only running domains are judged").isFalse();
        assertThat(domains.get("a-paused").get("state").asString()).isEqualTo("PAUSED");
        assertThat(domains.get("a-paused").get("evaluation").get("violations").get(0).get("reason").asString())
                .isEqualTo("CACHE_MODE_UNSAFE");
        assertThat(domains.get("a-transient").get("evaluation").get("violations").get(0).get("reason").asString())
                .isEqualTo("TRANSIENT_DISK");
        assertThat(domains.get("a-deep").get("evaluation").has("decision")).isFalse();
        assertThat(domains.get("a-deep").get("evaluation").get("error").asString()).isNotBlank();
    }

    @Test
    @Order(4)
    void theVerdictsFollowTheTargetAndStorageMigration() {
        JsonNode listing = api.get("/v1/hosts/fleet-a/domains?targetHost=fleet-b&storageMigration=full").json();

        assertThat(listing.get("targetHost").asString()).isEqualTo("fleet-b");
        assertThat(listing.get("storageMigration").asString()).isEqualTo("full");
        assertThat(listing.get("totals").get("migratable").asInt()).isEqualTo(3);
        assertThat(listing.get("totals").get("notMigratable").asInt()).as("a-transient: no copy lifts it").isEqualTo(1);
        assertThat(byName(listing).get("a-local").get("evaluation").get("decision").asString()).isEqualTo("ALLOWED");
    }

    @Test
    @Order(5)
    void badRequestsAreRefusedBeforeAnyHostIsContacted() {
        assertProblem(api.get("/v1/hosts/nope/domains"), 404, "host-not-found");
        assertProblem(api.get("/v1/hosts/fleet-a/domains?targetHost=evil.example.com"), 400, "unknown-host");
        assertProblem(api.get("/v1/hosts/fleet-a/domains?targetHost=fleet-a"), 400, "bad-parameter");
        assertProblem(api.get("/v1/hosts/fleet-a/domains?storageMigration=sometimes"), 400, "bad-parameter");
        assertBadParameter(api.get("/v1/hosts/fleet-a/domains?verbose=true"), "verbose");
        assertBadParameter(api.get("/v1/hosts/fleet-a/domains?targetHost=fleet-b&targetHost=fleet-b"), "targetHost");
        assertBadParameter(api.get("/v1/hosts/fleet-a/domains?storageMigration=full&storageMigration=none"),
                "storageMigration");
        assertBadParameter(api.get("/v1/audit?host=fleet-a"), "host");
        assertProblem(api.get("/v1/hosts/gone/domains"), 503, "host-unavailable");
    }

    @Test
    @Order(6)
    void aHungHostAnswersAtOnceWhileItsEarlierCallIsStillOutstanding() {
        // The first sweep's call to it got no answer within 5 s and is still blocked in libvirt: a request (or the
        // next sweep) must not add a thread behind it, nor wait out another timeout.
        long start = System.nanoTime();
        Api.Reply hung = api.get("/v1/hosts/hung/domains");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertProblem(hung, 503, "host-unavailable");
        assertThat(hung.json().get("detail").asString()).contains("has not answered an earlier call yet");
        assertThat(hung.header("Retry-After")).isNotNull();
        // Waiting behind the hung call (for the listing, or for the rule's facts before it) takes the call timeout.
        assertThat(took).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    @Order(7)
    void aDrainOfTheHungHostAnswersAtOnceWithTheProblemTheFleetViewsGet() {
        String fleetView = api.get("/v1/hosts/hung/domains").json().get("detail").asString();

        for (boolean dryRun : List.of(true, false)) {
            long start = System.nanoTime();
            Api.Reply drain = api.postJson("/v1/drains", Map.of("sourceHost", "hung", "dryRun", dryRun));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertProblem(drain, 503, "host-unavailable");
            assertThat(drain.json().get("detail").asString()).as("dryRun " + dryRun).isEqualTo(fleetView)
                    .contains("has not answered an earlier call yet");
            assertThat(drain.header("Retry-After")).isNotNull();
            // Waiting behind the hung call would take the call timeout (5 s) at least.
            assertThat(took).as("dryRun " + dryRun).isLessThan(Duration.ofSeconds(5));
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM drains").query(Integer.class).single()).isZero();
    }

    @Test
    @Order(8)
    void aPreflightFromTheHungHostDoesNotWaitForItsVersion() {
        long start = System.nanoTime();
        Api.Reply preflight = api.postXml("/v1/preflight?sourceHost=hung&targetHost=fleet-a",
                "<domain type='kvm'><name>p</name><devices>" + nfs("writeback", "") + "</devices></domain>");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(preflight.status()).as(preflight.body()).isEqualTo(200);
        assertThat(preflight.json().get("disks").get(0).get("reason").asString()).as("its QEMU is unknown, not assumed")
                .isEqualTo("CACHE_MODE_UNSAFE");
        // Asking it would wait out the call timeout (5 s) behind its hung call.
        assertThat(took).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    @Order(8)
    void everyRequestNamingTheHungHostAnswersAtOnceAndLeavesNoThreadBehind() {
        // Review of 17b8155: only the fleet views refused at once; a preflight by domain, a migration or a pool read
        // waited out the call timeout behind the hung call and left about two threads blocked per request.
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int before = threads.getThreadCount();
        for (int i = 0; i < 20; i++) {
            long start = System.nanoTime();
            Api.Reply preflight = api.postJson("/v1/preflight", Map.of("domain", Map.of("host", "hung", "name", "vm" + i)));
            Api.Reply migration = api.postJson("/v1/migrations", Map.of("domain", "vm" + i, "sourceHost", "hung",
                    "targetHost", "fleet-a"));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            for (Api.Reply reply : List.of(preflight, migration)) {
                assertProblem(reply, 503, "host-unavailable");
                assertThat(reply.json().get("detail").asString()).contains("has not answered an earlier call yet");
            }
            // Waiting behind the hung call takes the call timeout (5 s).
            assertThat(took).as("request " + i).isLessThan(Duration.ofSeconds(5));
        }
        assertThat(threads.getThreadCount() - before).as("threads added by 40 requests").isLessThan(5);
    }

    @Test
    @Order(9)
    void theyNeedTheReadScope() {
        Api.Reply anonymous = new Api(port, null).get("/v1/hosts/fleet-a/domains");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(new Api(port, null).get("/v1/audit").status()).isEqualTo(401);
    }

    @Test
    @Order(10)
    void withNoSweepKeptTheAuditSaysSoWithRetryAfter() {
        // As on a fresh database before the first sweep completes (the next sweep here is an hour away).
        jdbc.sql("DELETE FROM audit_sweep").update();

        Api.Reply pending = api.get("/v1/audit");

        assertProblem(pending, 503, "audit-pending");
        assertThat(pending.header("Retry-After")).isEqualTo("10");
    }

    @Test
    @Order(11)
    void aListingWhoseCallerGaveUpStopsReadingTheHost() {
        InventoryHost host = inventory.require("test", "fleet-a");
        AtomicInteger handed = new AtomicInteger();

        // The first domain takes longer than the call timeout (5 s) to judge: the caller gives up.
        assertThatThrownBy(() -> hostDomains.list(host, domain -> {
            if (handed.incrementAndGet() == 1) {
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return domain.name();
        })).isInstanceOf(HostUnavailableException.class).hasMessageContaining("did not answer listing its domains");

        // Its worker, interrupted, reads none of the host's five other domains for nobody.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> handed.get() == 1);
    }

    private static void assertProblem(Api.Reply reply, int status, String type) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.json().get("type").asString()).isEqualTo(PROBLEM + type);
    }

    private static void assertBadParameter(Api.Reply reply, String parameter) {
        assertProblem(reply, 400, "bad-parameter");
        assertThat(reply.json().get("parameter").asString()).isEqualTo(parameter);
    }

    private static Map<String, JsonNode> byName(JsonNode listing) {
        Map<String, JsonNode> domains = new TreeMap<>();
        listing.get("domains").forEach(d -> domains.put(d.get("name").asString(), d));
        return domains;
    }

    private static Map<String, Integer> counts(JsonNode object) {
        Map<String, Integer> counts = new TreeMap<>();
        object.properties().forEach(e -> counts.put(e.getKey(), e.getValue().asInt()));
        return counts;
    }

    private static String local() {
        return "<disk type='file' device='disk'><driver name='qemu' cache='none'/>"
                + "<source file='/var/lib/libvirt/images/x.qcow2'/><target dev='vda' bus='virtio'/></disk>";
    }

    private static String nfs(String cache, String extra) {
        return "<disk type='file' device='disk'><driver name='qemu' cache='" + cache + "'/>"
                + "<source file='/srv/nfs/x.img'/><target dev='vda' bus='virtio'/>" + extra + "</disk>";
    }

    private static String node(String host, String domains) {
        Path file = DIR.resolve(host + ".xml");
        try {
            Files.writeString(file, "<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n" + domains
                    + "</node>\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "test://" + file;
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("gatekeeper-fleet-views-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
