package io.migrationgatekeeper.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.testsupport.Api;
import io.migrationgatekeeper.testsupport.RequiresLibvirt;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /v1/decisions} over HTTP (issue 11, item 6), on the sample hosts (libvirt's test driver, whose domain
 * {@code test} has one local disk) with {@code record-preflight} on: migrations and preflights, newest first, every
 * filter, pages that neither repeat nor skip a row, and each bad value a 400 problem.
 */
@RequiresLibvirt
@ActiveProfiles("sample")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gatekeeper.ledger.record-preflight=true",
        "gatekeeper.security.api-keys[0].name=test-suite",
        "gatekeeper.security.api-keys[0].sha256=499f7d4897a02df7fd954215229b71cce95b91997d4835ab6d0ff568f96957ac",
        "gatekeeper.security.api-keys[0].scopes=preflight,migrate,override,read",
        "gatekeeper.security.api-keys[1].name=portal",
        "gatekeeper.security.api-keys[1].sha256=a591bd572405f8a4fa489259aeee3d1f4a3b9ad60f38005927ec36bcf4a0efab",
        "gatekeeper.security.api-keys[1].scopes=preflight,migrate"})
class DecisionsApiIT {

    private static final String PORTAL_KEY = "portal-key-migrate-only";
    private static final String TEST_UUID = "6695eb01-f6a4-8304-79aa-97f2502e193f";

    @LocalServerPort
    int port;

    Api admin;

    @BeforeEach
    void client() {
        admin = new Api(port);
    }

    private static String xml(String name, String cache, String path) {
        return "<domain type='kvm'><name>" + name + "</name><devices><disk type='file' device='disk'>"
                + "<driver name='qemu' type='qcow2' cache='" + cache + "'/><source file='" + path + "'/>"
                + "<target dev='vda' bus='virtio'/></disk></devices></domain>";
    }

    @Test
    void migrationsAndPreflightsAreListedNewestFirstWithRequesterReasonsAndOverride() {
        Instant before = Instant.now();
        Api.Reply denied = admin.postJson("/v1/migrations", Map.of("domain", "test", "sourceHost", "kvm-a1",
                "targetHost", "kvm-b1"));
        assertThat(denied.status()).as(denied.body()).isEqualTo(422);
        Api.Reply overridden = admin.postJson("/v1/preflight", Map.of("domainXml",
                xml("dec-override", "writeback", "/var/lib/libvirt/images/o.qcow2"), "sourceHost", "kvm-a2",
                "targetHost", "kvm-b1", "unsafe", Map.of("reason", "CHG-42 maintenance window")));
        assertThat(overridden.status()).as(overridden.body()).isEqualTo(200);

        JsonNode items = list("?since=" + before).get("items");

        assertThat(items).hasSize(2);
        JsonNode preflight = items.get(0);
        assertThat(preflight.get("id").asString()).isEqualTo(overridden.json().get("decisionId").asString());
        assertThat(preflight.get("kind").asString()).isEqualTo("preflight");
        assertThat(preflight.get("decision").asString()).isEqualTo("ALLOWED_UNSAFE");
        assertThat(preflight.get("overrideReason").asString()).isEqualTo("CHG-42 maintenance window");
        assertThat(preflight.get("requester").asString()).isEqualTo("test-suite");
        assertThat(preflight.get("reasons").get(0).asString()).isEqualTo("STORAGE_NOT_SHARED");
        JsonNode migration = items.get(1);
        assertThat(migration.get("id").asString()).isEqualTo(denied.json().get("decisionId").asString());
        assertThat(migration.get("kind").asString()).isEqualTo("migration");
        assertThat(migration.get("decision").asString()).isEqualTo("DENIED");
        assertThat(migration.get("domain").get("uuid").asString()).isEqualTo(TEST_UUID);
        assertThat(migration.get("sourceHost").asString()).isEqualTo("kvm-a1");
        assertThat(migration.get("targetHost").asString()).isEqualTo("kvm-b1");
        assertThat(migration.get("reasons").get(0).asString()).isEqualTo("STORAGE_NOT_SHARED");
        assertThat(Instant.parse(preflight.get("decidedAt").asString()))
                .isAfterOrEqualTo(Instant.parse(migration.get("decidedAt").asString()));
    }

    @Test
    void everyFilterNarrowsAndCombines() {
        Instant before = Instant.now();
        String name = "dec-filter-" + System.nanoTime();
        preflight(name, "none", "/srv/nfs/f.qcow2", "kvm-a1", "kvm-a2");          // ALLOWED
        preflight(name, "writeback", "/srv/nfs/f.qcow2", "kvm-a1", "kvm-b1");     // DENIED
        preflight(name + "-other", "none", "/srv/nfs/g.qcow2", "kvm-b1", "kvm-a1"); // ALLOWED
        String since = "&since=" + before;

        assertThat(list("?domain=" + name + since).get("items")).hasSize(2);
        assertThat(list("?domain=" + name + "&decision=DENIED" + since).get("items")).hasSize(1);
        assertThat(list("?domain=" + name + "&targetHost=kvm-a2" + since).get("items").get(0).get("decision").asString())
                .isEqualTo("ALLOWED");
        assertThat(list("?sourceHost=kvm-b1" + since).get("items")).extracting(d -> d.get("domain").get("name").asString())
                .containsExactly(name + "-other");
        assertThat(list("?domain=" + TEST_UUID + "&since=" + Instant.now().plusSeconds(3600)).get("items")).isEmpty();
        assertThat(list("?decision=ALLOWED_UNSAFE&domain=" + name).get("items")).isEmpty();
    }

    @Test
    void aDomainIsFoundByItsUuid() {
        Api.Reply reply = admin.postJson("/v1/preflight", Map.of("domain", Map.of("host", "kvm-a1", "name", "test"),
                "targetHost", "kvm-b1"));
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);

        JsonNode items = list("?domain=" + TEST_UUID).get("items");

        assertThat(items).extracting(d -> d.get("id").asString()).contains(reply.json().get("decisionId").asString());
        assertThat(items).allSatisfy(d -> assertThat(d.get("domain").get("uuid").asString()).isEqualTo(TEST_UUID));
    }

    @Test
    void pagesNeitherRepeatNorSkipEvenWhenDecisionsShareATimestamp() {
        String name = "dec-page-" + System.nanoTime();
        for (int i = 0; i < 7; i++) {
            preflight(name, "none", "/srv/nfs/p.qcow2", "kvm-a1", "kvm-a2");
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = list("?domain=" + name + "&limit=3" + (cursor == null ? "" : "&cursor=" + cursor));
            page.get("items").forEach(d -> seen.add(d.get("id").asString()));
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asString() : null;
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(7).doesNotHaveDuplicates();
        List<String> all = new ArrayList<>();
        list("?domain=" + name + "&limit=200").get("items").forEach(d -> all.add(d.get("id").asString()));
        assertThat(seen).as("the same order as one big page").isEqualTo(all);
    }

    @Test
    void badValuesAreBadRequestsNamingTheParameter() {
        Map<String, String> bad = Map.of(
                "decision=denied", "decision",
                "decision=", "decision",
                "since=yesterday", "since",
                "since=2026-11-26T00:00:00", "since",
                "limit=0", "limit",
                "limit=201", "limit",
                "limit=ten", "limit",
                "cursor=bm9wZQ", "cursor",
                "cursor=" + "A".repeat(500), "cursor",
                "sourceHost=", "sourceHost");
        bad.forEach((query, parameter) -> {
            Api.Reply reply = admin.get("/v1/decisions?" + query);
            assertThat(reply.status()).as(query + ": " + reply.body()).isEqualTo(400);
            assertThat(reply.contentType()).startsWith("application/problem+json");
            assertThat(reply.json().get("parameter").asString()).as(query).isEqualTo(parameter);
        });
        assertThat(admin.get("/v1/decisions?decison=DENIED").status()).as("unknown parameter").isEqualTo(400);
        assertThat(admin.get("/v1/decisions?limit=1&limit=2").status()).as("repeated parameter").isEqualTo(400);
        assertThat(admin.get("/v1/decisions?since=" + URLEncoder.encode("2026-11-26T00:00:00+01:00",
                StandardCharsets.UTF_8)).status()).as("an encoded offset").isEqualTo(200);
        Api.Reply plus = admin.get("/v1/decisions?since=2026-11-26T00:00:00+01:00");
        assertThat(plus.status()).isEqualTo(400);
        assertThat(plus.json().get("detail").asString()).contains("%2B");
    }

    @Test
    void readingDecisionsNeedsTheReadScope() {
        Api.Reply reply = new Api(port, PORTAL_KEY).get("/v1/decisions");
        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.json().get("detail").asString()).contains("scope 'read'");
        assertThat(new Api(port, null).get("/v1/decisions").status()).isEqualTo(401);
    }

    private void preflight(String name, String cache, String path, String source, String target) {
        Api.Reply reply = admin.postJson("/v1/preflight", Map.of("domainXml", xml(name, cache, path), "sourceHost", source,
                "targetHost", target));
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    }

    private JsonNode list(String query) {
        Api.Reply reply = admin.get("/v1/decisions" + query);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json();
    }
}
