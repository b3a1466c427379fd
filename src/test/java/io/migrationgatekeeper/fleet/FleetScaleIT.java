package io.migrationgatekeeper.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.migrationgatekeeper.testsupport.Api;
import io.migrationgatekeeper.testsupport.FleetGenerator;
import io.migrationgatekeeper.testsupport.RequiresLibvirt;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * 500 hosts on libvirt's test driver, 20 running domains each (10,000), with disks that mix the rule's cases, and two
 * hosts that cannot be reached: the audit must count exactly what the generator put in, and a scrape must stay
 * small. Timings are printed for the record; the figures in the README come from the benchmark run of the jar.
 */
@RequiresLibvirt
@AutoConfigureMetrics
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gatekeeper.audit.interval=1h",
        "gatekeeper.audit.concurrency=8"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetScaleIT {

    private static final int HOSTS = 500;
    private static final int PER_HOST = 20;
    private static final List<String> UNREACHABLE = List.of("gone-1", "gone-2");
    private static final Path DIR;
    private static final FleetGenerator.Fleet FLEET;

    static {
        try {
            DIR = Files.createTempDirectory("gatekeeper-fleet-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        FLEET = FleetGenerator.generate(DIR, HOSTS, PER_HOST, 11L);
    }

    @LocalServerPort
    int port;

    @Autowired
    FleetAudit audit;

    Api api;

    @DynamicPropertySource
    static void fleet(DynamicPropertyRegistry registry) {
        int i = 0;
        for (Map.Entry<String, String> fs : FleetGenerator.POLICY_FILESYSTEMS.entrySet()) {
            int index = i++;
            registry.add("gatekeeper.policy.filesystems[" + index + "].path", fs::getKey);
            registry.add("gatekeeper.policy.filesystems[" + index + "].type", fs::getValue);
        }
        FLEET.hosts().values().forEach(h -> registry.add("gatekeeper.hosts." + h.name() + ".uri", h::uri));
        // A node file that does not exist: the test driver refuses to open it, as a host that is down.
        UNREACHABLE.forEach(name -> registry.add("gatekeeper.hosts." + name + ".uri",
                () -> "test://" + DIR.resolve("missing-" + name + ".xml")));
    }

    @AfterAll
    static void removeFleet() throws IOException {
        try (var files = Files.walk(DIR)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @BeforeEach
    void client() {
        api = new Api(port);
    }

    @Test
    @Order(1)
    void theAuditCountsExactlyWhatTheGeneratorPutIn() {
        JsonNode audit = await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .until(() -> api.get("/v1/audit"), reply -> reply.status() == 200).json();

        assertThat(audit.get("hosts").asInt()).isEqualTo(HOSTS + UNREACHABLE.size());
        assertThat(audit.get("unreachableHosts").asInt()).isEqualTo(UNREACHABLE.size());
        assertThat(audit.get("domains").asInt()).isEqualTo(HOSTS * PER_HOST).isEqualTo(FLEET.domains());
        assertThat(audit.get("notMigratable").asInt()).isEqualTo(FLEET.notMigratable());
        assertThat(audit.get("unevaluable").asInt()).isZero();
        assertThat(counts(audit.get("byReason"))).isEqualTo(FLEET.byReason());
        Map<String, JsonNode> perHost = new HashMap<>();
        audit.get("perHost").forEach(h -> perHost.put(h.get("host").asString(), h));
        assertThat(perHost).hasSize(HOSTS + UNREACHABLE.size());
        for (FleetGenerator.HostExpectation expected : FLEET.hosts().values()) {
            JsonNode host = perHost.get(expected.name());
            assertThat(host.get("reachable").asBoolean()).as(expected.name()).isTrue();
            assertThat(host.get("domains").asInt()).as(expected.name()).isEqualTo(expected.domains());
            assertThat(host.get("notMigratable").asInt()).as(expected.name()).isEqualTo(expected.notMigratable());
            assertThat(counts(host.get("byReason"))).as(expected.name()).isEqualTo(expected.byReason());
        }
        for (String gone : UNREACHABLE) {
            assertThat(perHost.get(gone).get("reachable").asBoolean()).isFalse();
            assertThat(perHost.get(gone).get("error").asString()).isNotBlank();
        }
        System.out.printf("fleet audit at start-up: %d running domains on %d hosts in %d ms%n",
                audit.get("domains").asInt(), audit.get("hosts").asInt(), audit.get("durationMs").asLong());
    }

    @Test
    @Order(2)
    void aSweepOnOpenConnectionsCountsTheSame() throws InterruptedException {
        AuditSweep again = audit.sweep();

        assertThat(again.domains()).isEqualTo(FLEET.domains());
        assertThat(again.notMigratable()).isEqualTo(FLEET.notMigratable());
        assertThat(again.byReason()).isEqualTo(FLEET.byReason());
        System.out.printf("fleet audit on open connections: %d running domains on %d hosts in %d ms%n",
                again.domains(), again.hosts(), again.durationMs());
    }

    @Test
    @Order(3)
    void aScrapeOf500HostsStaysSmallAndHasNoHostPairs() {
        // Every host probed, so every per-host series exists.
        await().atMost(Duration.ofMinutes(2)).until(() -> value(scrape(), "gatekeeper_audit_hosts", "reachable=\"true\"")
                == HOSTS && countSeries(scrape(), "gatekeeper_libvirt_host_up") == HOSTS + UNREACHABLE.size());
        String body = scrape();
        int bytes = body.getBytes(StandardCharsets.UTF_8).length;
        long series = body.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).count();
        System.out.printf("scrape with %d hosts: %,d bytes, %,d series%n", HOSTS + UNREACHABLE.size(), bytes, series);

        assertThat(bytes).as("scrape size").isLessThanOrEqualTo(1_500_000);
        assertThat(body).doesNotContain("target_host=");
        // Per host: up, connects, and the audit's two; nothing per pair, nothing per domain.
        assertThat(series).isLessThan(6L * (HOSTS + UNREACHABLE.size()) + 1_000);
        assertThat(value(body, "gatekeeper_audit_domains", "host=\"host-007\",migratable=\"false\""))
                .isEqualTo((double) FLEET.hosts().get("host-007").notMigratable());
        assertThat(value(body, "gatekeeper_audit_not_migratable", "reason=\"STORAGE_NOT_SHARED\""))
                .isEqualTo((double) FLEET.byReason().get("STORAGE_NOT_SHARED"));
    }

    @Test
    @Order(4)
    void aHostsDomainsCarryTheirVerdicts() {
        FleetGenerator.HostExpectation expected = FLEET.hosts().get("host-042");

        JsonNode listing = api.get("/v1/hosts/host-042/domains").json();

        assertThat(listing.get("totals").get("domains").asInt()).isEqualTo(PER_HOST);
        assertThat(listing.get("totals").get("active").asInt()).isEqualTo(PER_HOST);
        assertThat(listing.get("totals").get("notMigratable").asInt()).isEqualTo(expected.notMigratable());
        for (JsonNode domain : listing.get("domains")) {
            FleetGenerator.Variant variant = expected.variants().get(domain.get("name").asString());
            JsonNode evaluation = domain.get("evaluation");
            assertThat(evaluation.get("decision").asString()).as(domain.toString())
                    .isEqualTo(variant.migratable() ? "ALLOWED" : "DENIED");
            java.util.Set<String> reasons = new java.util.HashSet<>();
            evaluation.path("violations").forEach(v -> reasons.add(v.get("reason").asString()));
            assertThat(reasons).as(domain.toString()).isEqualTo(variant.reasons());
        }
    }

    @Test
    @Order(5)
    void theHostListAnswersFromWhatTheProbeSaw() {
        JsonNode hosts = api.get("/v1/hosts").json();

        assertThat(hosts).hasSize(HOSTS + UNREACHABLE.size());
        assertThat(hosts.get(0).get("name").asString()).isEqualTo("gone-1");
        assertThat(hosts.get(0).get("connection").get("state").asString()).isEqualTo("DISCONNECTED");
        assertThat(hosts.get(2).get("connection").get("state").asString()).isEqualTo("CONNECTED");
    }

    @Test
    @Order(6)
    void deadHostsLeaveTheServiceUpAndAnonymousHealthNamesNoHost() {
        await().atMost(Duration.ofMinutes(2)).until(() -> api.get("/v1/hosts/gone-1").json()
                .get("connection").get("state").asString().equals("DISCONNECTED"));
        Api anonymous = new Api(port, null);

        Api.Reply health = anonymous.get("/actuator/health");
        assertThat(health.status()).as(health.body()).isEqualTo(200);
        assertThat(health.json().get("status").asString()).isEqualTo("UP");
        assertThat(health.body()).doesNotContain("gone-", "host-0", "components", "libvirt");
        assertThat(anonymous.get("/actuator/health/libvirt").status()).isEqualTo(404);
        assertThat(anonymous.get("/actuator/health/libvirt/gone-1").status()).isEqualTo(404);
        assertThat(anonymous.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(anonymous.get("/actuator/health/liveness").status()).isEqualTo(200);

        // A caller with the read scope sees the components, and libvirt's is a count, not 502 entries.
        Api.Reply reader = api.get("/actuator/health");
        assertThat(reader.status()).isEqualTo(200);
        JsonNode libvirt = reader.json().get("components").get("libvirt");
        assertThat(libvirt.get("status").asString()).isEqualTo("UP");
        assertThat(libvirt.get("details").get("hosts").asInt()).isEqualTo(HOSTS + UNREACHABLE.size());
        assertThat(libvirt.get("details").get("disconnected").asInt()).isEqualTo(UNREACHABLE.size());
        assertThat(reader.body()).doesNotContain("gone-1").hasSizeLessThan(2_000);
    }

    private String scrape() {
        Api.Reply reply = api.get("/actuator/prometheus");
        assertThat(reply.status()).isEqualTo(200);
        return reply.body();
    }

    private static Map<String, Integer> counts(JsonNode object) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        object.properties().forEach(e -> counts.put(e.getKey(), e.getValue().asInt()));
        return counts;
    }

    private static long countSeries(String exposition, String metric) {
        return exposition.lines().filter(l -> l.startsWith(metric + "{")).count();
    }

    /** A sample's value; {@code labels} follow {@code application} in the series, in order. */
    private static double value(String exposition, String metric, String labels) {
        Matcher m = Pattern.compile("^" + Pattern.quote(metric) + "\\{application=\"migration-gatekeeper\","
                + Pattern.quote(labels) + "} (\\S+)$", Pattern.MULTILINE).matcher(exposition);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
