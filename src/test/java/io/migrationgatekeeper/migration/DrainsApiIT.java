package io.migrationgatekeeper.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.migrationgatekeeper.testsupport.Api;
import io.migrationgatekeeper.testsupport.RequiresLibvirt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * {@code /v1/drains} over HTTP (issue 11, item 4) against libvirt's test driver: the sample hosts, plus
 * {@code fleet-a}, a test-driver node running three domains whose disks are the lab's cases (a local writeback
 * disk, a writeback disk on {@code /srv/moose-cluster}, which the sample policy declares {@code moosefs,
 * cluster: true}, and no disk), and {@code fleet-empty}, which runs nothing. The test driver cannot migrate, so
 * started jobs end FAILED: what is checked here is what is planned, decided, recorded, refused and answered. The
 * real moves are {@link LabDrainIT}'s.
 */
@RequiresLibvirt
@ActiveProfiles("sample")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gatekeeper.security.api-keys[0].name=test-suite",
        "gatekeeper.security.api-keys[0].sha256=499f7d4897a02df7fd954215229b71cce95b91997d4835ab6d0ff568f96957ac",
        "gatekeeper.security.api-keys[0].scopes=preflight,migrate,override,read",
        "gatekeeper.security.api-keys[1].name=portal",
        "gatekeeper.security.api-keys[1].sha256=a591bd572405f8a4fa489259aeee3d1f4a3b9ad60f38005927ec36bcf4a0efab",
        "gatekeeper.security.api-keys[1].scopes=preflight,migrate",
        // sha256("ci-key-preflight-only")
        "gatekeeper.security.api-keys[2].name=ci",
        "gatekeeper.security.api-keys[2].sha256=fa8a6e2f81ba569c0bdfd2d3742203036849e3bc2ea1507b2b1380e871f34c75",
        "gatekeeper.security.api-keys[2].scopes=preflight",
        "gatekeeper.security.api-keys[3].name=operator",
        "gatekeeper.security.api-keys[3].sha256=1fcdbaf3dd2bc43a51f3547e72540dc672e7ad8c03cf84894df7de75917f7483",
        "gatekeeper.security.api-keys[3].scopes=migrate,cancel-any",
        "gatekeeper.security.api-keys[4].name=auditor",
        "gatekeeper.security.api-keys[4].sha256=d83f31d9dbdab2f96ffd5d743eaa0f9b2094cfbd85d32d1b5d70f7914de7d005",
        "gatekeeper.security.api-keys[4].scopes=read",
        "gatekeeper.libvirt.retry-after=7s",
        "gatekeeper.hosts.gone.uri=qemu+unix:///session?socket=/nonexistent/libvirt-sock"})
class DrainsApiIT {

    private static final String PROBLEM = "urn:migration-gatekeeper:problem:";
    private static final String PORTAL_KEY = "portal-key-migrate-only";
    static final String CI_KEY = "ci-key-preflight-only";
    private static final Path NODES = nodes();

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    Api admin;
    Api portal;
    Api ci;

    @DynamicPropertySource
    static void hosts(DynamicPropertyRegistry registry) {
        registry.add("gatekeeper.hosts.fleet-a.uri", () -> "test://" + NODES.resolve("fleet-a.xml"));
        registry.add("gatekeeper.hosts.fleet-empty.uri", () -> "test://" + NODES.resolve("fleet-empty.xml"));
    }

    private static Path nodes() {
        try {
            Path dir = Files.createTempDirectory("drain-nodes");
            Files.writeString(dir.resolve("fleet-a.xml"), "<node>"
                    + domain("local-wb", "11111111-1111-4111-8111-111111111111",
                            "<disk type='file' device='disk'><driver name='qemu' type='qcow2' cache='writeback'/>"
                            + "<source file='/var/lib/libvirt/images/local-wb.qcow2'/><target dev='vda' bus='virtio'/></disk>")
                    + domain("cluster-wb", "22222222-2222-4222-8222-222222222222",
                            "<disk type='file' device='disk'><driver name='qemu' type='qcow2' cache='writeback'/>"
                            + "<source file='/srv/moose-cluster/cluster-wb.qcow2'/><target dev='vda' bus='virtio'/></disk>")
                    + domain("diskless", "33333333-3333-4333-8333-333333333333", "")
                    + "</node>");
            Files.writeString(dir.resolve("fleet-empty.xml"), "<node></node>");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String domain(String name, String uuid, String disks) {
        return "<domain type='test'><name>" + name + "</name><uuid>" + uuid + "</uuid><memory>65536</memory>"
                + "<os><type arch='x86_64'>hvm</type></os><devices>" + disks + "</devices></domain>";
    }

    @BeforeEach
    void clients() {
        admin = new Api(port);
        portal = new Api(port, PORTAL_KEY);
        ci = new Api(port, CI_KEY);
        // Jobs the test driver cannot run end FAILED within a poll or two.
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql(
                "SELECT COUNT(*) FROM migration_jobs WHERE state IN ('QUEUED', 'RUNNING')").query(Integer.class).single() == 0);
    }

    @Test
    void theMinimalDryRunPlansEveryRunningDomainOverEveryOtherHost() {
        int drains = jdbc.sql("SELECT COUNT(*) FROM drains").query(Integer.class).single();
        int jobs = jdbc.sql("SELECT COUNT(*) FROM migration_jobs").query(Integer.class).single();

        Api.Reply reply = ci.postJson("/v1/drains", Map.of("sourceHost", "fleet-a", "dryRun", true));

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode plan = reply.json();
        assertThat(plan.get("state").asString()).isEqualTo("PLANNED");
        assertThat(plan.has("id")).isFalse();
        assertThat(names(plan.get("targetHosts"))).containsExactly("fleet-empty", "gone", "kvm-a1", "kvm-a2", "kvm-b1");
        assertThat(plan.get("totals").get("domains").asInt()).isEqualTo(3);
        assertThat(plan.get("totals").get("movable").asInt()).isEqualTo(2);
        assertThat(plan.get("totals").get("blocked").asInt()).isEqualTo(1);
        JsonNode blocked = entry(plan, "local-wb");
        assertThat(blocked.get("decision").asString()).isEqualTo("DENIED");
        assertThat(blocked.get("reasons").get(0).asString()).isEqualTo("STORAGE_NOT_SHARED");
        assertThat(blocked.get("violations").get(0).get("disk").asString()).isEqualTo("vda");
        assertThat(blocked.get("violations").get(0).get("message").asString()).contains("Migration without shared storage");
        assertThat(blocked.has("targetHost")).isFalse();
        assertThat(entry(plan, "cluster-wb").get("decision").asString()).isEqualTo("ALLOWED");
        assertThat(entry(plan, "diskless").get("decision").asString()).isEqualTo("ALLOWED");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM drains").query(Integer.class).single()).as("a dry run records nothing")
                .isEqualTo(drains);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM migration_jobs").query(Integer.class).single()).isEqualTo(jobs);
    }

    @Test
    void movableDomainsAreSpreadAcrossTheTargets() {
        Api.Reply reply = admin.postJson("/v1/drains", Map.of("sourceHost", "fleet-a", "targetHosts",
                List.of("kvm-b1", "kvm-a2"), "dryRun", true));

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode plan = reply.json();
        assertThat(List.of(entry(plan, "cluster-wb").get("targetHost").asString(),
                entry(plan, "diskless").get("targetHost").asString())).containsExactlyInAnyOrder("kvm-b1", "kvm-a2");
        assertThat(names(plan.get("targetHosts"))).as("in the order given").containsExactly("kvm-b1", "kvm-a2");
    }

    @Test
    void anOverrideMovesTheUnsafeDomainOnlyForACallerWhoMayUseIt() {
        Map<String, Object> request = Map.of("sourceHost", "fleet-a", "targetHosts", List.of("kvm-a2"),
                "unsafe", Map.of("reason", "CHG-7 host maintenance"), "dryRun", true);

        Api.Reply refused = portal.postJson("/v1/drains", request);
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.json().get("type").asString()).isEqualTo(PROBLEM + "override-refused");

        JsonNode plan = admin.postJson("/v1/drains", request).json();
        assertThat(entry(plan, "local-wb").get("decision").asString()).isEqualTo("ALLOWED_UNSAFE");
        assertThat(entry(plan, "local-wb").get("targetHost").asString()).isEqualTo("kvm-a2");
        assertThat(plan.get("overrideReason").asString()).isEqualTo("CHG-7 host maintenance");
        assertThat(plan.get("totals").get("blocked").asInt()).isZero();
    }

    @Test
    void aStartedDrainQueuesOneJobPerMovableDomainAndRecordsEveryDecision() {
        Api.Reply reply = portal.postJson("/v1/drains", Map.of("sourceHost", "fleet-a", "targetHosts", List.of("kvm-a2")));

        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        String id = reply.json().get("id").asString();
        assertThat(reply.header("Location")).isEqualTo("/v1/drains/" + id);
        JsonNode drain = reply.json();
        assertThat(drain.get("requester").asString()).isEqualTo("portal");
        assertThat(entry(drain, "local-wb").has("migrationId")).as("blocked: never migrated").isFalse();
        assertThat(entry(drain, "local-wb").get("decisionId").asString()).isNotBlank();
        String jobId = entry(drain, "diskless").get("migrationId").asString();
        JsonNode job = portal.get("/v1/migrations/" + jobId).json();
        assertThat(job.get("sourceHost").asString()).isEqualTo("fleet-a");
        assertThat(job.get("targetHost").asString()).isEqualTo("kvm-a2");
        assertThat(job.get("requester").asString()).isEqualTo("portal");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM migration_jobs WHERE drain_id = ?").param(id).query(Integer.class)
                .single()).isEqualTo(2);
        assertThat(admin.get("/v1/decisions?sourceHost=fleet-a&decision=DENIED&limit=200").json().get("items"))
                .extracting(d -> d.get("id").asString()).contains(entry(drain, "local-wb").get("decisionId").asString());

        // The test driver cannot migrate: both jobs end FAILED, and the drain says so.
        await().atMost(Duration.ofSeconds(30)).until(() -> admin.get("/v1/drains/" + id).json().get("state").asString()
                .equals("DONE"));
        JsonNode done = portal.get("/v1/drains/" + id).json();
        assertThat(done.get("totals").get("failed").asInt()).isEqualTo(2);
        assertThat(done.get("totals").get("moved").asInt()).isZero();
        assertThat(entry(done, "diskless").get("migrationState").asString()).isEqualTo("FAILED");
        assertThat(entry(done, "diskless").get("error").get("code").asString()).isNotBlank();

        Api.Reply again = portal.post("/v1/drains/" + id + "/cancel", "application/json",
                HttpRequest.BodyPublishers.noBody());
        assertThat(again.status()).as(again.body()).isEqualTo(409);
        assertThat(again.json().get("type").asString()).isEqualTo(PROBLEM + "drain-ended");
    }

    @Test
    void aHostThatRunsNothingIsAnEmptyDrain() {
        Api.Reply dry = admin.postJson("/v1/drains", Map.of("sourceHost", "fleet-empty", "dryRun", true));
        assertThat(dry.status()).as(dry.body()).isEqualTo(200);
        assertThat(dry.json().get("totals").get("domains").asInt()).isZero();

        Api.Reply started = admin.postJson("/v1/drains", Map.of("sourceHost", "fleet-empty"));
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        assertThat(started.json().get("state").asString()).isEqualTo("DONE");
        assertThat(started.json().get("domains")).isEmpty();
    }

    @Test
    void anUnreachableSourceIs503AndStartsNothing() {
        int drains = jdbc.sql("SELECT COUNT(*) FROM drains").query(Integer.class).single();

        Api.Reply reply = admin.postJson("/v1/drains", Map.of("sourceHost", "gone"));

        assertThat(reply.status()).as(reply.body()).isEqualTo(503);
        assertThat(reply.json().get("type").asString()).isEqualTo(PROBLEM + "host-unavailable");
        assertThat(reply.header("Retry-After")).isEqualTo("7");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM drains").query(Integer.class).single()).isEqualTo(drains);
    }

    @Test
    void aTargetWhoseLastContactFailedGetsNothing() {
        assertThat(admin.postJson("/v1/drains", Map.of("sourceHost", "gone", "dryRun", true)).status())
                .as("contacting gone fails").isEqualTo(503);

        JsonNode plan = admin.postJson("/v1/drains", Map.of("sourceHost", "fleet-a", "targetHosts",
                List.of("gone", "kvm-a2"), "dryRun", true)).json();
        assertThat(names(plan.get("unavailableTargets"))).containsExactly("gone");
        assertThat(entry(plan, "cluster-wb").get("targetHost").asString()).isEqualTo("kvm-a2");
        assertThat(entry(plan, "diskless").get("targetHost").asString()).isEqualTo("kvm-a2");

        Api.Reply none = admin.postJson("/v1/drains", Map.of("sourceHost", "fleet-a", "targetHosts", List.of("gone")));
        assertThat(none.status()).as(none.body()).isEqualTo(503);
        assertThat(none.json().get("type").asString()).isEqualTo(PROBLEM + "host-unavailable");
        assertThat(none.json().get("detail").asString()).contains("no target host is reachable");
        assertThat(none.header("Retry-After")).as("gatekeeper.libvirt.retry-after").isEqualTo("7");
    }

    @Test
    void idempotencyKeysAreEachCallersOwn() {
        Map<String, Object> request = Map.of("sourceHost", "fleet-empty");
        Api.Reply first = send(admin, "drain-key-1", request);
        Api.Reply retry = send(admin, "drain-key-1", request);
        Api.Reply otherCaller = send(portal, "drain-key-1", request);
        Api.Reply otherBody = send(admin, "drain-key-1", Map.of("sourceHost", "fleet-empty", "targetHosts", List.of("kvm-a1")));

        assertThat(first.status()).as(first.body()).isEqualTo(202);
        assertThat(retry.status()).isEqualTo(202);
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(retry.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
        assertThat(otherCaller.status()).isEqualTo(202);
        assertThat(otherCaller.header("Idempotent-Replayed")).as("portal's key is not test-suite's").isNull();
        assertThat(otherCaller.json().get("id").asString()).isNotEqualTo(first.json().get("id").asString());
        assertThat(otherBody.status()).isEqualTo(422);
        assertThat(otherBody.json().get("type").asString()).isEqualTo(PROBLEM + "idempotency-key-reused");

        // The same key on a migration request is another request.
        Api.Reply migration = admin.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/migrations"))
                .header("Content-Type", "application/json").header("Idempotency-Key", "drain-key-1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sourceHost\":\"fleet-empty\"}")).build());
        assertThat(migration.status()).as(migration.body()).isEqualTo(422);
    }

    @Test
    void scopesAreThoseOfPreflightAndMigrations() {
        assertThat(ci.postJson("/v1/drains", Map.of("sourceHost", "fleet-empty")).status()).as("start needs migrate")
                .isEqualTo(403);
        String id = admin.postJson("/v1/drains", Map.of("sourceHost", "fleet-empty")).json().get("id").asString();
        assertThat(ci.get("/v1/drains/" + id).status()).isEqualTo(403);
        assertThat(new Api(port, null).postJson("/v1/drains", Map.of("sourceHost", "fleet-empty", "dryRun", true))
                .status()).isEqualTo(401);
        // Like a migration job, a drain is the fleet's to read, and its starter's to cancel (or an operator's).
        assertThat(portal.get("/v1/drains/" + id).status()).isEqualTo(200);
        // As with migrations, read is enough to read one (an auditor follows a drain), not to start or cancel it.
        Api auditor = new Api(port, "auditor-key-read-only");
        assertThat(auditor.get("/v1/drains/" + id).status()).isEqualTo(200);
        assertThat(auditor.postJson("/v1/drains", Map.of("sourceHost", "fleet-empty")).status()).isEqualTo(403);
        assertThat(auditor.post("/v1/drains/" + id + "/cancel", "application/json",
                HttpRequest.BodyPublishers.noBody()).status()).isEqualTo(403);
        Api.Reply notPortals = portal.post("/v1/drains/" + id + "/cancel", "application/json",
                HttpRequest.BodyPublishers.noBody());
        assertThat(notPortals.status()).as(notPortals.body()).isEqualTo(403);
        assertThat(notPortals.json().get("type").asString()).isEqualTo(PROBLEM + "forbidden");
        assertThat(notPortals.json().get("detail").asString()).contains("test-suite", "cancel-any");
        // Past the owner check, both hit the drain's real state: it has nothing left to cancel.
        for (Api mayCancel : List.of(new Api(port, "operator-key-cancel-any"), admin)) {
            Api.Reply cancel = mayCancel.post("/v1/drains/" + id + "/cancel", "application/json",
                    HttpRequest.BodyPublishers.noBody());
            assertThat(cancel.status()).as(cancel.body()).isEqualTo(409);
            assertThat(cancel.json().get("type").asString()).isEqualTo(PROBLEM + "drain-ended");
        }
    }

    @Test
    void badRequestsAreProblemsAndStartNothing() {
        int drains = jdbc.sql("SELECT COUNT(*) FROM drains").query(Integer.class).single();
        List<Object[]> cases = new ArrayList<>();
        cases.add(new Object[] {"{}", 400, "bad-parameter"});
        cases.add(new Object[] {"{\"sourceHost\":\"\"}", 400, "bad-parameter"});
        cases.add(new Object[] {"{\"sourceHost\":\"nope\"}", 400, "unknown-host"});
        cases.add(new Object[] {"{\"sourceHost\":\"fleet-a\",\"targetHosts\":[]}", 400, "bad-parameter"});
        cases.add(new Object[] {"{\"sourceHost\":\"fleet-a\",\"targetHosts\":[\"fleet-a\"]}", 400, "bad-parameter"});
        cases.add(new Object[] {"{\"sourceHost\":\"fleet-a\",\"targetHosts\":[\"kvm-a1\",\"kvm-a1\"]}", 400, "bad-parameter"});
        cases.add(new Object[] {"{\"sourceHost\":\"fleet-a\",\"targetHosts\":[null]}", 400, "bad-parameter"});
        cases.add(new Object[] {"{\"sourceHost\":\"fleet-a\",\"targetHosts\":[\"" + "x".repeat(100_000) + "\"]}", 400,
                "unknown-host"});
        cases.add(new Object[] {"{\"sourceHost\":\"fleet-a\",\"storageMigration\":\"all\"}", 400, "bad-parameter"});
        cases.add(new Object[] {"{\"sourceHost\":\"fleet-a\",\"unsafe\":{\"reason\":\"  \"}}", 400, "bad-parameter"});
        cases.add(new Object[] {"{\"sourceHost\":\"fleet-a\",\"dryrun\":true}", 400, "bad-parameter"});
        cases.add(new Object[] {"{\"sourceHost\":\"fleet-a\",\"dryRun\":\"yes\"}", 400, "bad-parameter"});
        cases.add(new Object[] {"{\"sourceHost\":\"fleet-a\",", 400, "malformed-json"});
        cases.add(new Object[] {"[\"fleet-a\"]", 400, "bad-parameter"});
        cases.add(new Object[] {"{\"sourceHost\":\"fleet-a\",\"targetHosts\":[\"" + "x".repeat(2_000_000) + "\"]}", 413,
                "body-too-large"});
        for (Object[] c : cases) {
            Api.Reply reply = admin.postJson("/v1/drains", c[0]);
            String shown = c[0].toString().length() > 80 ? c[0].toString().substring(0, 80) : c[0].toString();
            assertThat(reply.status()).as(shown + " → " + reply.body()).isEqualTo(c[1]);
            assertThat(reply.json().get("type").asString()).as(shown).isEqualTo(PROBLEM + c[2]);
            assertThat(reply.body().length()).as("the answer echoes a bounded piece").isLessThan(2000);
        }
        assertThat(admin.get("/v1/drains/nope").json().get("type").asString()).isEqualTo(PROBLEM + "drain-not-found");
        assertThat(admin.post("/v1/drains/nope/cancel", "application/json", HttpRequest.BodyPublishers.noBody()).status())
                .isEqualTo(404);
        assertThat(admin.post("/v1/drains?x=1", "application/json", HttpRequest.BodyPublishers.ofString(
                "{\"sourceHost\":\"fleet-a\"}")).status()).as("unknown query parameter").isEqualTo(400);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM drains").query(Integer.class).single()).isEqualTo(drains);
    }

    private Api.Reply send(Api api, String key, Map<String, Object> body) {
        return api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/drains"))
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(tools.jackson.databind.json.JsonMapper.builder().build()
                        .writeValueAsString(body))).build());
    }

    static JsonNode entry(JsonNode drain, String name) {
        for (JsonNode d : drain.get("domains")) {
            if (d.get("domain").get("name").asString().equals(name)) {
                return d;
            }
        }
        throw new AssertionError("no domain " + name + " in " + drain);
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.asString()));
        return names;
    }
}
