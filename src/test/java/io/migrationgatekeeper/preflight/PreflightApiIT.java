package io.migrationgatekeeper.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.policy.TestPolicies;
import io.migrationgatekeeper.policyconfig.EffectivePolicy;
import io.migrationgatekeeper.testsupport.Api;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("sample")
class PreflightApiIT {

    private static final String PROBLEM = "urn:migration-gatekeeper:problem:";
    private static final String LOCAL_DISK = "<domain type='kvm'><name>web01</name><uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>"
            + "<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2' cache='none'/>"
            + "<source file='/var/lib/libvirt/images/web01.qcow2'/><target dev='vda' bus='virtio'/></disk></devices></domain>";

    @LocalServerPort
    int port;

    @Autowired
    EffectivePolicy effectivePolicy;

    Api api;

    @BeforeEach
    void client() {
        api = new Api(port);
    }

    static Stream<Path> corpus() throws IOException, URISyntaxException {
        Path dir = Path.of(PreflightApiIT.class.getResource("/libvirt-tests").toURI());
        return Files.list(dir).filter(p -> p.toString().endsWith(".xml")).sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everyCorpusDomainGetsADecision(Path file) throws IOException {
        String xml = Files.readString(file);

        Api.Reply reply = api.postXml("/v1/preflight?sourceHost=kvm-a1&targetHost=kvm-a2", xml);

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().get("decision").asString()).isIn("ALLOWED", "DENIED", "ALLOWED_UNSAFE");
        assertThat(reply.json().get("disks").size()).isEqualTo(xml.split("<disk[\\s>]", -1).length - 1);
        Api.Reply json = api.postJson("/v1/preflight", Map.of("domainXml", xml, "storageMigration", "full"));
        assertThat(json.status()).as(json.body()).isEqualTo(200);
    }

    @Test
    void samplePolicyBindsToTheSamePolicyTheUnitTestsUse() {
        assertThat(effectivePolicy.policy()).isEqualTo(TestPolicies.sample());
    }

    @Test
    void answersWhichDomainAndRequestWereEvaluated() {
        JsonNode body = api.postXml("/v1/preflight?sourceHost=kvm-a1&targetHost=kvm-b1&unsafeReason=OPS-12%20scratch%20disk",
                LOCAL_DISK).json();

        assertThat(body.get("domain").get("name").asString()).isEqualTo("web01");
        assertThat(body.get("domain").get("uuid").asString()).isEqualTo("c7a5fdbd-edaf-9455-926a-d65c16db1809");
        assertThat(body.get("request").get("sourceHost").asString()).isEqualTo("kvm-a1");
        assertThat(body.get("request").get("targetHost").asString()).isEqualTo("kvm-b1");
        assertThat(body.get("request").get("unsafeReason").asString()).isEqualTo("OPS-12 scratch disk");
        assertThat(body.get("decision").asString()).isEqualTo("ALLOWED_UNSAFE");
        assertThat(body.get("overrideApplied").asBoolean()).isTrue();
        assertThat(body.get("libvirtFlags").get("names").toString()).contains("VIR_MIGRATE_UNSAFE");
        assertThat(body.get("policyRevision").asString()).isEqualTo(effectivePolicy.revision());
        assertThat(body.get("violations").get(0).get("message").asString())
                .isEqualTo("Unsafe migration: Migration without shared storage is unsafe");
    }

    @Test
    void failOnDenyAnswers422WithTheEvaluation() {
        Api.Reply xml = api.postXml("/v1/preflight?failOnDeny=true", LOCAL_DISK);
        Api.Reply json = api.postJson("/v1/preflight", Map.of("domainXml", LOCAL_DISK, "failOnDeny", true));
        Api.Reply jsonQuery = api.postJson("/v1/preflight?failOnDeny=true", Map.of("domainXml", LOCAL_DISK));

        for (Api.Reply reply : List.of(xml, json, jsonQuery)) {
            assertThat(reply.status()).isEqualTo(422);
            assertThat(reply.contentType()).startsWith("application/problem+json");
            assertThat(reply.json().get("type").asString()).isEqualTo(PROBLEM + "migration-denied");
            assertThat(reply.json().get("detail").asString()).contains("web01", "vda: STORAGE_NOT_SHARED");
            assertThat(reply.json().get("evaluation").get("decision").asString()).isEqualTo("DENIED");
        }
        Api.Reply allowed = api.postXml("/v1/preflight?failOnDeny=true&storageMigration=full", LOCAL_DISK);
        assertThat(allowed.status()).isEqualTo(200);
    }

    @Test
    void xxeIsRefusedAndTheTargetNeverAppears(@TempDir Path dir) throws IOException {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "XXE-SECRET-7f3a");
        String uri = secret.toUri().toString();
        List<String> attacks = List.of(
                "<?xml version='1.0'?><!DOCTYPE domain [<!ENTITY x SYSTEM '" + uri + "'>]><domain><name>&x;</name></domain>",
                "<!DOCTYPE domain SYSTEM '" + uri + "'><domain><name>d</name></domain>",
                "<!DOCTYPE domain [<!ENTITY % p SYSTEM '" + uri + "'> %p;]><domain><name>d</name></domain>",
                "<domain><name>&x;</name></domain>");

        for (String attack : attacks) {
            Api.Reply reply = api.postXml("/v1/preflight", attack);
            assertThat(reply.status()).as(attack).isEqualTo(400);
            assertThat(reply.body()).doesNotContain("XXE-SECRET-7f3a");
            assertThat(reply.json().get("type").asString()).isIn(PROBLEM + "forbidden-dtd", PROBLEM + "malformed-xml");
        }
        Api.Reply xinclude = api.postXml("/v1/preflight", "<domain xmlns:xi='http://www.w3.org/2001/XInclude'><name>d</name>"
                + "<xi:include href='" + uri + "' parse='text'/></domain>");
        assertThat(xinclude.status()).isEqualTo(200);
        assertThat(xinclude.body()).doesNotContain("XXE-SECRET-7f3a");
    }

    @Test
    void billionLaughsIsRefusedAtTheDoctype() {
        StringBuilder lol = new StringBuilder("<?xml version='1.0'?><!DOCTYPE domain [<!ENTITY lol 'lol'>");
        for (int i = 1; i <= 9; i++) {
            lol.append("<!ENTITY lol").append(i).append(" '").append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10))
                    .append("'>");
        }
        lol.append("]><domain><name>&lol9;</name></domain>");

        Api.Reply reply = api.postXml("/v1/preflight", lol.toString());

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("type").asString()).isEqualTo(PROBLEM + "forbidden-dtd");
    }

    @Test
    void oversizeBodiesGet413WithOrWithoutContentLength() {
        String padding = "<!--" + "x".repeat(1024 * 1024) + "-->";
        String big = "<domain><name>d</name>" + padding + "</domain>";

        Api.Reply declared = api.postXml("/v1/preflight", big);
        Api.Reply streamed = api.postStreamed("/v1/preflight", "application/xml",
                () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)));
        Api.Reply json = api.postJson("/v1/preflight", Map.of("domainXml", big));

        for (Api.Reply reply : List.of(declared, streamed, json)) {
            assertThat(reply.status()).isEqualTo(413);
            assertThat(reply.json().get("type").asString()).isEqualTo(PROBLEM + "body-too-large");
            assertThat(reply.json().get("limit").asLong()).isEqualTo(1024 * 1024);
        }
    }

    @Test
    void unsupportedMediaTypeGets415() {
        Api.Reply reply = api.post("/v1/preflight", "text/plain", HttpRequest.BodyPublishers.ofString(LOCAL_DISK));

        assertThat(reply.status()).isEqualTo(415);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.json().get("type").asString()).isEqualTo(PROBLEM + "unsupported-media-type");
    }

    @Test
    void badXmlGetsAProblemNamingIt() {
        assertProblem(api.postXml("/v1/preflight", "<domain><name>d</name>"), 400, "malformed-xml", "line 1");
        assertProblem(api.postXml("/v1/preflight", ""), 400, "invalid-domain-xml", "empty");
        assertProblem(api.postXml("/v1/preflight", "<network><name>n</name></network>"), 400, "invalid-domain-xml",
                "<network>");
        assertProblem(api.postXml("/v1/preflight", "<domain><name>d</name><devices><disk type='file'>"
                + "<driver cache='fast'/><target dev='vda'/></disk></devices></domain>"), 400, "invalid-domain-xml",
                "Invalid value for attribute 'cache' in element 'driver': 'fast'.");
        assertProblem(api.postXml("/v1/preflight", "<domain><name>d</name>" + "<x>".repeat(300) + "</x>".repeat(300)
                + "</domain>"), 400, "invalid-domain-xml", "deeper than 256");
        assertProblem(api.postJson("/v1/preflight", Map.of("domainXml", "{not xml")), 400, "malformed-xml", "");
    }

    @Test
    void badParametersGetAProblemNamingThem() {
        assertProblem(api.postXml("/v1/preflight?storageMigration=copy", LOCAL_DISK), 400, "bad-parameter",
                "storageMigration: 'copy' is not one of none, full, incremental");
        assertProblem(api.postXml("/v1/preflight?migrateDisks=vda", LOCAL_DISK), 400, "bad-parameter",
                "migrateDisks");
        assertProblem(api.postXml("/v1/preflight?storageMigration=full&migrateDisks=vdz", LOCAL_DISK), 400,
                "bad-parameter", "vdz");
        assertProblem(api.postXml("/v1/preflight?offline=yes", LOCAL_DISK), 400, "bad-parameter", "offline");
        assertProblem(api.postXml("/v1/preflight?sorceHost=kvm-a1", LOCAL_DISK), 400, "bad-parameter", "sorceHost");
        assertProblem(api.postXml("/v1/preflight?sourceHost=kvm-a1&sourceHost=kvm-a2", LOCAL_DISK), 400,
                "bad-parameter", "sourceHost");
        assertProblem(api.postXml("/v1/preflight?sourceHost=kvm-a1&targetHost=kvm-a1", LOCAL_DISK), 400,
                "bad-parameter", "targetHost");
        assertProblem(api.postJson("/v1/preflight", Map.of("domainXml", LOCAL_DISK, "storagemigration", "full")), 400,
                "bad-parameter", "storagemigration");
        assertProblem(api.postJson("/v1/preflight", Map.of("domainXml", LOCAL_DISK, "offline", "sometimes")), 400,
                "bad-parameter", "offline");
        assertProblem(api.postJson("/v1/preflight", Map.of("domainXml", LOCAL_DISK, "unsafe", Map.of("reason", " "))),
                400, "bad-parameter", "unsafe.reason");
        assertProblem(api.postJson("/v1/preflight", Map.of("sourceHost", "kvm-a1")), 400, "bad-parameter", "domainXml");
        assertProblem(api.postJson("/v1/preflight", "{\"domainXml\": "), 400, "malformed-json", "");
        assertProblem(api.postJson("/v1/preflight", "[]"), 400, "bad-parameter", "");
    }

    @Test
    void migrateDisksNamingAnEmptyOrReadOnlyDiskIsRefusedAsLibvirtRefusesIt() throws IOException {
        String web01 = Files.readString(Path.of("examples/web01.xml"));
        String libvirtsWords = "\"Operation not supported: Cannot migrate empty or read-only disk sda\"";

        for (String mode : List.of("full", "incremental")) {
            Api.Reply xml = api.postXml("/v1/preflight?storageMigration=" + mode + "&migrateDisks=vdb,sda", web01);
            Api.Reply json = api.postJson("/v1/preflight", Map.of("domainXml", web01, "storageMigration", mode,
                    "migrateDisks", List.of("sda", "vdb")));
            for (Api.Reply reply : List.of(xml, json)) {
                assertProblem(reply, 400, "bad-parameter", libvirtsWords);
                assertThat(reply.json().get("parameter").asString()).isEqualTo("migrateDisks");
            }
        }
        Api.Reply copyingVdb = api.postXml("/v1/preflight?storageMigration=full&migrateDisks=vdb", web01);
        assertThat(copyingVdb.status()).as(copyingVdb.body()).isEqualTo(200);
        // As in libvirt, whose own check refuses before the copy is tried: vdb is not copied, so the denial answers.
        Api.Reply denied = api.postXml("/v1/preflight?storageMigration=full&migrateDisks=sda", web01);
        assertThat(denied.status()).as(denied.body()).isEqualTo(200);
        assertThat(denied.json().get("decision").asString()).isEqualTo("DENIED");
    }

    @Test
    void eachDiskCarriesLibvirtsPredictedVerdict() throws IOException {
        String web01 = Files.readString(Path.of("examples/web01.xml"));

        JsonNode body = api.postXml("/v1/preflight?storageMigration=full&migrateDisks=vdb", web01).json();

        assertThat(body.get("decision").asString()).isEqualTo("ALLOWED");
        assertThat(body.get("libvirtFlags").get("unsafe").asBoolean()).as("libvirt sees gfs2 itself").isFalse();
        assertThat(body.get("libvirtFlags").get("value").asInt()).isEqualTo(91);
        assertThat(body.get("disks").get(0).get("libvirtVerdict").toString()).isEqualTo("{\"verdict\":\"SAFE\","
                + "\"reason\":\"CLUSTER_FS\",\"storageClass\":\"cluster\",\"reliesOn\":\"gfs2 filesystem declared at"
                + " /srv/gfs2\"}");
        assertThat(body.get("disks").get(1).get("libvirtVerdict").get("reason").asString()).isEqualTo("STORAGE_MIGRATED");

        JsonNode moose = api.postJson("/v1/preflight", Map.of("domainXml", LOCAL_DISK.replace(
                "/var/lib/libvirt/images/", "/srv/moose-cluster/"))).json();
        assertThat(moose.get("disks").get(0).get("reason").asString()).isEqualTo("CLUSTER_FS");
        assertThat(moose.get("disks").get(0).get("libvirtVerdict").toString()).isEqualTo("{\"verdict\":\"UNSAFE\","
                + "\"reason\":\"STORAGE_NOT_SHARED\",\"storageClass\":\"local\",\"message\":\"Unsafe migration:"
                + " Migration without shared storage is unsafe\"}");
        assertThat(moose.get("libvirtFlags").get("unsafe").asBoolean()).isTrue();
    }

    @Test
    void unknownHostsAreRefusedByName() {
        assertProblem(api.postXml("/v1/preflight?sourceHost=evil.example.com", LOCAL_DISK), 400, "unknown-host",
                "'evil.example.com' is not in the host inventory");
        Api.Reply target = api.postJson("/v1/preflight", Map.of("domainXml", LOCAL_DISK, "targetHost", "nowhere"));
        assertProblem(target, 400, "unknown-host", "targetHost");
        assertThat(target.json().get("parameter").asString()).isEqualTo("targetHost");
    }

    @Test
    void policyShowsWhatTheRuleApplies() {
        JsonNode policy = api.get("/v1/policy").json();

        assertThat(policy.get("revision").asString()).isEqualTo(effectivePolicy.revision()).hasSize(16);
        assertThat(policy.get("enforcement").asString()).isEqualTo("enforce");
        assertThat(policy.get("safeCacheModes").toString()).isEqualTo("[\"none\",\"directsync\"]");
        assertThat(policy.get("filesystems").toString()).contains(
                "{\"path\":\"/srv/moose\",\"type\":\"moosefs\",\"storage\":\"shared\",\"libvirtRecognised\":false,\"hosts\":[]}");
        assertThat(policy.get("hostQemuDropCache").toString())
                .isEqualTo("{\"kvm-a1\":\"true\",\"kvm-a2\":\"true\",\"kvm-b1\":\"false\"}");
    }

    @Test
    void unknownPathsAndMethodsAreProblemsToo() {
        assertProblem(api.get("/v1/nothing-here"), 404, "not-found", "");
        assertProblem(api.get("/v1/preflight"), 405, "method-not-allowed", "");
    }

    private static void assertProblem(Api.Reply reply, int status, String type, String detailPart) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        JsonNode problem = reply.json();
        assertThat(problem.get("type").asString()).isEqualTo(PROBLEM + type);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asString()).contains(detailPart);
    }
}
