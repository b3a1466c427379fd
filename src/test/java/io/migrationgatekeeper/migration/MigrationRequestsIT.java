package io.migrationgatekeeper.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.migrationgatekeeper.testsupport.Api;
import io.migrationgatekeeper.testsupport.RequiresLibvirt;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Migration requests as hostile or careless callers send them, over HTTP, against libvirt's test driver (the sample
 * hosts): its built-in domain {@code test} has one local file disk, vda. The test driver cannot migrate, so approved
 * jobs end FAILED; what is checked here is what gets decided, recorded and answered.
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
        "gatekeeper.security.api-keys[2].name=operator",
        "gatekeeper.security.api-keys[2].sha256=1fcdbaf3dd2bc43a51f3547e72540dc672e7ad8c03cf84894df7de75917f7483",
        "gatekeeper.security.api-keys[2].scopes=migrate,cancel-any",
        "gatekeeper.security.api-keys[3].name=dashboard",
        "gatekeeper.security.api-keys[3].sha256=9b30b9a15da5524d8f363a28adfbff1ce38570b371c05a678d402c0afcc48f85",
        "gatekeeper.security.api-keys[3].scopes=read"})
class MigrationRequestsIT {

    private static final String PROBLEM = "urn:migration-gatekeeper:problem:";
    private static final String PORTAL_KEY = "portal-key-migrate-only";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    Api admin;
    Api portal;
    String liveXml;

    @BeforeEach
    void clients() {
        admin = new Api(port);
        portal = new Api(port, PORTAL_KEY);
        liveXml = liveXml();
        awaitNoActiveJob();
    }

    /**
     * Issue 9, defect 5: a caller without override could add a disk on declared cluster storage to destinationXml and
     * get flags 603 (VIR_MIGRATE_UNSAFE), which switches off libvirt's check of the source's real disks.
     */
    @Test
    void aDestinationXmlCannotSmuggleInTheUnsafeFlag() {
        int jobs = jobCount();
        String smuggled = liveXml.replace("</devices>", "<disk type='file' device='disk'><driver cache='writeback'/>"
                + "<source file='/srv/gpfs/smuggled.img'/><target dev='vdz'/></disk></devices>");

        Api.Reply reply = portal.postJson("/v1/migrations", Map.of("domain", "test", "sourceHost", "kvm-a1",
                "targetHost", "kvm-b1", "storageMigration", "full", "migrateDisks", List.of("vda"),
                "destinationXml", smuggled));

        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.json().get("parameter").asString()).isEqualTo("destinationXml");
        assertThat(reply.json().get("detail").asString()).contains("vdz");
        assertThat(jobCount()).isEqualTo(jobs);
    }

    @Test
    void aDestinationXmlMustDescribeTheSameDomain() {
        String otherUuid = liveXml.replace("6695eb01-f6a4-8304-79aa-97f2502e193f", "00000000-0000-4000-8000-000000000001");
        String otherName = liveXml.replace("<name>test</name>", "<name>impostor</name>");
        String noUuid = liveXml.replaceAll("<uuid>[^<]*</uuid>", "");
        String lessDisks = liveXml.replaceAll("(?s)<disk .*?</disk>", "");

        for (String destination : List.of(otherUuid, otherName, noUuid, lessDisks)) {
            Api.Reply reply = portal.postJson("/v1/migrations", Map.of("domain", "test", "sourceHost", "kvm-a1",
                    "targetHost", "kvm-b1", "storageMigration", "full", "destinationXml", destination));
            assertThat(reply.status()).as(reply.body()).isEqualTo(400);
            assertThat(reply.json().get("parameter").asString()).isEqualTo("destinationXml");
        }
    }

    @Test
    void aMatchingDestinationIsJudgedTooButTheFlagsComeFromTheLiveDisks() {
        String moved = liveXml.replace("/guest/diskimage1", "/srv/gpfs/test.img");

        Api.Reply reply = portal.postJson("/v1/migrations", Map.of("domain", "test", "sourceHost", "kvm-a1",
                "targetHost", "kvm-b1", "storageMigration", "full", "destinationXml", moved));

        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        JsonNode job = reply.json();
        assertThat(job.get("libvirtFlags").get("value").asInt()).as("LIVE|PEER2PEER|PERSIST|UNDEFINE|NON_SHARED_DISK")
                .isEqualTo(91);
        assertThat(job.get("evaluation").get("unsafeFlag").asBoolean()).isFalse();
        assertThat(job.get("evaluation").get("destination").get("disks").get(0).get("source").asString())
                .isEqualTo("/srv/gpfs/test.img");
        assertThat(job.get("evaluation").get("live").get("disks").get(0).get("libvirtVerdict").get("reason").asString())
                .as("libvirt's own verdict, as in a preflight").isEqualTo("STORAGE_MIGRATED");
        assertThat(job.get("parameters").get("destinationXml").asBoolean()).isTrue();
    }

    /** Issue 9, defect 4: the portal (no override scope) reusing the admin's key got the admin's override job replayed. */
    @Test
    void idempotencyKeysAreEachCallersOwn() {
        Map<String, Object> override = Map.of("domain", "test", "sourceHost", "kvm-a1", "targetHost", "kvm-b1",
                "unsafe", Map.of("reason", "OPS-1: scratch disk"));
        Api.Reply admins = post(admin, override, "shared-key-1");
        assertThat(admins.status()).as(admins.body()).isEqualTo(202);
        assertThat(admins.json().get("decision").asString()).isEqualTo("ALLOWED_UNSAFE");

        Api.Reply portals = post(portal, override, "shared-key-1");
        assertThat(portals.status()).as("decided as the portal's own request: %s", portals.body()).isEqualTo(403);
        assertThat(portals.json().get("type").asString()).isEqualTo(PROBLEM + "override-refused");
        assertThat(portals.header("Idempotent-Replayed")).isNull();

        awaitNoActiveJob();
        Api.Reply otherBody = post(portal, Map.of("domain", "test", "sourceHost", "kvm-a1", "targetHost", "kvm-b1",
                "storageMigration", "full"), "shared-key-1");
        assertThat(otherBody.status()).as("not 'reused': the key is the portal's own: %s", otherBody.body()).isEqualTo(202);
        assertThat(otherBody.json().get("requester").asString()).isEqualTo("portal");
        Api.Reply replay = post(portal, Map.of("domain", "test", "sourceHost", "kvm-a1", "targetHost", "kvm-b1",
                "storageMigration", "full"), "shared-key-1");
        assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(replay.json().get("id").asString()).isEqualTo(otherBody.json().get("id").asString());
    }

    /**
     * Every job is visible to callers that may migrate or read; a caller cancels only its own, an operator (scope
     * cancel-any) any. Before, any migrate-scoped caller could cancel every other caller's migration.
     */
    @Test
    void callersReadEveryJobButCancelOnlyTheirOwn() {
        Api operator = new Api(port, "operator-key-cancel-any");
        Api dashboard = new Api(port, "dashboard-key-read-only");
        Api.Reply admins = admin.postJson("/v1/migrations", Map.of("domain", "test", "sourceHost", "kvm-a1",
                "targetHost", "kvm-b1", "storageMigration", "full"));
        assertThat(admins.status()).as(admins.body()).isEqualTo(202);
        String id = admins.json().get("id").asString();

        for (Api reader : List.of(portal, dashboard, operator)) {
            assertThat(reader.get("/v1/migrations/" + id).status()).isEqualTo(200);
            Api.Reply list = reader.get("/v1/migrations?domain=test&limit=200");
            assertThat(list.status()).isEqualTo(200);
            assertThat(list.body()).contains(id);
        }
        Api.Reply notPortals = portal.post("/v1/migrations/" + id + "/cancel", "application/json",
                HttpRequest.BodyPublishers.noBody());
        assertThat(notPortals.status()).as(notPortals.body()).isEqualTo(403);
        assertThat(notPortals.json().get("type").asString()).isEqualTo(PROBLEM + "forbidden");
        assertThat(notPortals.json().get("detail").asString()).contains("test-suite", "cancel-any");
        Api.Reply readOnly = dashboard.post("/v1/migrations/" + id + "/cancel", "application/json",
                HttpRequest.BodyPublishers.noBody());
        assertThat(readOnly.status()).isEqualTo(403);
        assertThat(dashboard.postJson("/v1/migrations", Map.of("domain", "test", "sourceHost", "kvm-a1",
                "targetHost", "kvm-b1")).status()).as("read cannot migrate").isEqualTo(403);

        // The test driver cannot migrate, so the job may have ended by now: then the answer is that it ended.
        for (Api owner : List.of(operator, admin)) {
            Api.Reply cancel = owner.post("/v1/migrations/" + id + "/cancel", "application/json",
                    HttpRequest.BodyPublishers.noBody());
            assertThat(cancel.status()).as(cancel.body()).isIn(202, 409);
            if (cancel.status() == 409) {
                assertThat(cancel.json().get("type").asString()).isEqualTo(PROBLEM + "migration-ended");
            }
        }
    }

    /** Issue 9, defect 2: one caller could make the embedded ledger run out of memory. */
    @Test
    void whatOneRequestMayCostIsBounded() {
        int jobs = jobCount();
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 257; i++) {
            many.append("<disk type='file'><source file='/srv/nfs/d").append(i).append(".img'/><target dev='vd")
                    .append(i).append("'/></disk>");
        }
        String tooMany = liveXml.replace("</devices>", many + "</devices>");
        Api.Reply disks = portal.postJson("/v1/migrations", Map.of("domain", "test", "sourceHost", "kvm-a1",
                "targetHost", "kvm-b1", "destinationXml", tooMany));
        assertThat(disks.status()).as(disks.body()).isEqualTo(400);
        assertThat(disks.json().get("type").asString()).isEqualTo(PROBLEM + "invalid-domain-xml");
        assertThat(disks.json().get("detail").asString()).contains("more than 256 disks", "max-disks");
        Api.Reply preflight = portal.postXml("/v1/preflight", tooMany);
        assertThat(preflight.status()).isEqualTo(400);

        String oversize = liveXml.replace("</devices>", "</devices><!--" + "x".repeat(1024 * 1024) + "-->");
        Api.Reply large = portal.postJson("/v1/migrations", Map.of("domain", "test", "sourceHost", "kvm-a1",
                "targetHost", "kvm-b1", "destinationXml", oversize));
        assertThat(large.status()).isEqualTo(413);
        assertThat(large.json().get("limit").asLong()).isEqualTo(1024 * 1024);
        assertThat(jobCount()).isEqualTo(jobs);
    }

    @Test
    void eightLargeRequestsAtOnceCostEightSmallRows() throws Exception {
        String padded = liveXml.replace("</devices>", "</devices><!--" + "x".repeat(1000 * 1000) + "-->");
        String body = JSON.writeValueAsString(Map.of("domain", "test", "sourceHost", "kvm-a1", "targetHost", "kvm-b1",
                "destinationXml", padded));
        List<CompletableFuture<Api.Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            replies.add(CompletableFuture.supplyAsync(() -> portal.postJson("/v1/migrations", body)));
        }
        for (CompletableFuture<Api.Reply> reply : replies) {
            Api.Reply r = reply.get();
            assertThat(r.status()).as(r.body()).isEqualTo(422);
            assertThat(r.body().length()).as("the answer, for a %d-byte request", body.length()).isLessThan(4096);
        }
        Integer largest = jdbc.sql("SELECT MAX(LENGTH(evaluation) + LENGTH(request)) FROM decisions").query(Integer.class)
                .single();
        assertThat(largest).as("the largest decision row's JSON").isLessThan(4096);
        assertThat(admin.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(admin.get("/v1/migrations?limit=1").status()).isEqualTo(200);
    }

    /** The figures issue 9 asks for: the largest request accepted, its answer, and what the ledger keeps of it. */
    @Test
    void theLargestAcceptedRequestGetsASmallAnswerAndBoundedRows() {
        String probe = JSON.writeValueAsString(Map.of("domain", "test", "sourceHost", "kvm-a1", "targetHost", "kvm-b1",
                "storageMigration", "full", "destinationXml", liveXml.replace("</devices>", "<!----></devices>")));
        String padded = liveXml.replace("</devices>", "<!--" + "x".repeat(1024 * 1024 - probe.length()) + "--></devices>");
        String body = JSON.writeValueAsString(Map.of("domain", "test", "sourceHost", "kvm-a1", "targetHost", "kvm-b1",
                "storageMigration", "full", "destinationXml", padded));
        assertThat(body.length()).isEqualTo(1024 * 1024);

        Api.Reply reply = portal.postJson("/v1/migrations", body);

        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        String id = reply.json().get("id").asString();
        int decisionRow = jdbc.sql("SELECT LENGTH(evaluation) + LENGTH(request) FROM decisions d JOIN migration_jobs j"
                + " ON j.decision_id = d.id WHERE j.id = :id").param("id", id).query(Integer.class).single();
        int jobRow = jdbc.sql("SELECT LENGTH(parameters_json) + LENGTH(options_json) + LENGTH(destination_xml) FROM migration_jobs"
                + " WHERE id = :id")
                .param("id", id).query(Integer.class).single();
        System.out.printf("largest accepted request: %d bytes; answer %d bytes; decision row %d bytes of JSON; job row"
                + " %d bytes of JSON (the destination XML libvirt is sent)%n", body.length(), reply.body().length(),
                decisionRow, jobRow);
        assertThat(reply.body().length()).isLessThan(4096);
        assertThat(decisionRow).isLessThan(4096);
        assertThat(jobRow).isLessThan(body.length() + 4096);
        assertThat(portal.postJson("/v1/migrations", body + " ").status()).as("one byte more").isEqualTo(413);
    }

    @Test
    void offlineMigrationsCannotCopyStorageInPreflightAndMigrationsAlike() {
        Api.Reply migration = portal.postJson("/v1/migrations", Map.of("domain", "test", "sourceHost", "kvm-a1",
                "targetHost", "kvm-b1", "offline", true, "storageMigration", "full"));
        Api.Reply json = portal.postJson("/v1/preflight", Map.of("domainXml", liveXml, "offline", true,
                "storageMigration", "incremental"));
        Api.Reply xml = portal.postXml("/v1/preflight?offline=true&storageMigration=full", liveXml);

        for (Api.Reply reply : List.of(migration, json, xml)) {
            assertThat(reply.status()).as(reply.body()).isEqualTo(400);
            assertThat(reply.json().get("parameter").asString()).isEqualTo("offline");
            assertThat(reply.json().get("detail").asString()).contains("offline migration cannot handle non-shared storage");
        }
    }

    @Test
    void anEmptyMigrateDisksListIsRefusedNotReadAsEveryDisk() {
        Api.Reply migration = portal.postJson("/v1/migrations", Map.of("domain", "test", "sourceHost", "kvm-a1",
                "targetHost", "kvm-b1", "storageMigration", "full", "migrateDisks", List.of()));
        Api.Reply json = portal.postJson("/v1/preflight", Map.of("domainXml", liveXml, "storageMigration", "full",
                "migrateDisks", List.of()));
        Api.Reply xml = portal.postXml("/v1/preflight?storageMigration=full&migrateDisks=", liveXml);

        for (Api.Reply reply : List.of(migration, json, xml)) {
            assertThat(reply.status()).as(reply.body()).isEqualTo(400);
            assertThat(reply.json().get("parameter").asString()).isEqualTo("migrateDisks");
            assertThat(reply.json().get("detail").asString()).contains("omit migrateDisks");
        }
    }

    @Test
    void anOverrideReasonLongerThanTheLedgerKeepsIsRefused() {
        String reason = "x".repeat(2001);

        Api.Reply migration = admin.postJson("/v1/migrations", Map.of("domain", "test", "sourceHost", "kvm-a1",
                "targetHost", "kvm-b1", "unsafe", Map.of("reason", reason)));
        Api.Reply preflight = admin.postJson("/v1/preflight", Map.of("domainXml", liveXml, "unsafe",
                Map.of("reason", reason)));

        for (Api.Reply reply : List.of(migration, preflight)) {
            assertThat(reply.status()).as(reply.body()).isEqualTo(400);
            assertThat(reply.json().get("parameter").asString()).isEqualTo("unsafe.reason");
        }
    }

    /**
     * libvirt reads names as C strings: {@code "test\0evil"} looked up, judged and migrated the domain {@code test}.
     * And PostgreSQL, the production ledger, refuses NUL in text: an override reason with one was a 500 there after
     * the decision.
     */
    @Test
    void aNulInANameOrAReasonIsRefused() {
        Api.Reply migration = admin.postJson("/v1/migrations", Map.of("domain", "test\u0000evil", "sourceHost", "kvm-a1",
                "targetHost", "kvm-b1", "storageMigration", "full"));
        assertThat(migration.status()).as(migration.body()).isEqualTo(400);
        assertThat(migration.json().get("parameter").asString()).isEqualTo("domain");

        Api.Reply preflight = admin.postJson("/v1/preflight", Map.of("domain", Map.of("host", "kvm-a1",
                "name", "test\u0000evil")));
        assertThat(preflight.status()).as(preflight.body()).isEqualTo(400);
        assertThat(preflight.json().get("parameter").asString()).isEqualTo("domain.name");

        Api.Reply reason = admin.postJson("/v1/migrations", Map.of("domain", "test", "sourceHost", "kvm-a1",
                "targetHost", "kvm-b1", "unsafe", Map.of("reason", "OPS-1\u0000")));
        assertThat(reason.status()).as(reason.body()).isEqualTo(400);
        assertThat(reason.json().get("parameter").asString()).isEqualTo("unsafe.reason");
    }

    /**
     * A megabyte-long domain name (or UUID) was quoted back whole, by the service and by libvirt's "no domain with
     * matching name '…'": the answer to a lookup was as large as the request, and so was its log line.
     */
    @Test
    void aHugeDomainNameIsNotQuotedBack() {
        String name = "x".repeat(500_000);

        List<Api.Reply> replies = List.of(
                portal.postJson("/v1/migrations", Map.of("domain", name, "sourceHost", "kvm-a1", "targetHost", "kvm-b1")),
                portal.postJson("/v1/preflight", Map.of("domain", Map.of("host", "kvm-a1", "name", name))),
                portal.postJson("/v1/preflight", Map.of("domain", Map.of("host", "kvm-a1", "uuid", name))));

        for (Api.Reply reply : replies) {
            assertThat(reply.status()).as(reply.body().substring(0, Math.min(300, reply.body().length()))).isIn(400, 404);
            assertThat(reply.body().length()).as("the answer to a %d-character name", name.length()).isLessThan(4096);
        }
    }

    @Test
    void aRepeatedIdempotencyKeyIsRefusedNotJoined() {
        Api.Reply reply = portal.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/migrations"))
                .header("Content-Type", "application/json").header("Idempotency-Key", "a").header("Idempotency-Key", "b")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("domain", "test",
                        "sourceHost", "kvm-a1", "targetHost", "kvm-b1")))).build());

        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.json().get("parameter").asString()).isEqualTo("Idempotency-Key");
    }

    /** Issue 9, defect 10: these answered 500, or were silently ignored. */
    @Test
    void unknownRepeatedAndUndecodableQueryParametersAreRefusedEverywhere() throws Exception {
        assertBadParameter(admin.get("/v1/migrations?stauts=RUNNING"), "stauts");
        assertBadParameter(admin.get("/v1/migrations?status=RUNNING&status=QUEUED"), "status");
        assertBadParameter(admin.get("/v1/migrations?limit=1&limit=2"), "limit");
        assertBadParameter(admin.get("/v1/hosts?verbose=true"), "verbose");
        assertBadParameter(admin.get("/v1/policy?x=1"), "x");
        assertBadParameter(admin.postJson("/v1/preflight?failOnDeny=true&sourceHost=kvm-a1",
                Map.of("domainXml", liveXml)), "sourceHost");
        assertThat(admin.get("/v1/migrations?status=RUNNING&limit=5").status()).isEqualTo(200);

        for (String request : List.of("GET /v1/migrations?domain=%zz HTTP/1.1",
                "POST /v1/preflight?sourceHost=%zz HTTP/1.1", "GET /error HTTP/1.1")) {
            String answer = raw(request);
            assertThat(answer).as(request).matches("(?s)HTTP/1.1 4\\d\\d .*")
                    .contains("application/problem+json");
        }
    }

    private static void assertBadParameter(Api.Reply reply, String parameter) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.json().get("type").asString()).isEqualTo(PROBLEM + "bad-parameter");
        assertThat(reply.json().get("parameter").asString()).isEqualTo(parameter);
    }

    /** What java.net.URI refuses to send: a request line as written, authenticated. */
    private String raw(String requestLine) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            String body = liveXml;
            socket.getOutputStream().write((requestLine + "\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + Api.TEST_KEY
                    + "\r\nContent-Type: application/xml\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private Api.Reply post(Api api, Map<String, Object> body, String key) {
        return api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/migrations"))
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
    }

    private int jobCount() {
        return jdbc.sql("SELECT COUNT(*) FROM migration_jobs").query(Integer.class).single();
    }

    /** The test driver cannot migrate: an approved job fails within moments, and frees the domain. */
    private void awaitNoActiveJob() {
        await().atMost(Duration.ofSeconds(30)).until(() ->
                jdbc.sql("SELECT COUNT(*) FROM migration_jobs WHERE active_domain IS NOT NULL").query(Integer.class)
                        .single() == 0);
    }

    private String liveXml() {
        Api.Reply reply = admin.postJson("/v1/preflight", Map.of("domain", Map.of("host", "kvm-a1", "name", "test")));
        assertThat(reply.status()).isEqualTo(200);
        // The live XML as libvirt's test driver defines it (virsh -c test:///default dumpxml test).
        return """
                <domain type='test'>
                  <name>test</name>
                  <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>
                  <memory unit='KiB'>8388608</memory>
                  <os><type arch='i686'>hvm</type></os>
                  <devices>
                    <disk type='file' device='disk'>
                      <source file='/guest/diskimage1'/>
                      <target dev='vda' bus='virtio'/>
                    </disk>
                  </devices>
                </domain>
                """;
    }
}
