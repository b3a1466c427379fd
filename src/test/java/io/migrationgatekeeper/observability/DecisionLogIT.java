package io.migrationgatekeeper.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.testsupport.Api;
import io.migrationgatekeeper.testsupport.RequiresLibvirt;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The decision log lines a preflight and a migration request produce, read back from the log output. */
@RequiresLibvirt
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("sample")
class DecisionLogIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void preflightAndMigrationDecisionsAreLoggedAsJsonLines(CapturedOutput output) {
        Api api = new Api(port);
        String xml = "<domain><name>web9</name><uuid>11111111-2222-3333-4444-555555555555</uuid><devices>"
                + "<disk type='file'><driver cache='none'/><source file='/var/lib/libvirt/images/w.img'/>"
                + "<target dev='vda'/></disk></devices></domain>";

        JsonNode preflight = api.postXml("/v1/preflight?sourceHost=kvm-a1&targetHost=kvm-b1&unsafeReason=OPS-9%20scratch",
                xml).json();
        // The test driver's domain "test" has a local disk: the migration request is denied, and logged.
        Api.Reply migration = api.postJson("/v1/migrations", Map.of("domain", "test", "sourceHost", "kvm-a1",
                "targetHost", "kvm-b1"));
        assertThat(migration.status()).isEqualTo(422);

        JsonNode first = line(output, preflight.get("decisionId").asString());
        assertThat(first.get("kind").asString()).isEqualTo("preflight");
        assertThat(first.get("time").asString()).isNotBlank();
        assertThat(first.get("principal").asString()).isEqualTo("test-suite");
        assertThat(first.get("clientAddress").asString()).isEqualTo("127.0.0.1");
        assertThat(first.get("sourceHost").asString()).isEqualTo("kvm-a1");
        assertThat(first.get("targetHost").asString()).isEqualTo("kvm-b1");
        assertThat(first.get("domainName").asString()).isEqualTo("web9");
        assertThat(first.get("domainUuid").asString()).isEqualTo("11111111-2222-3333-4444-555555555555");
        assertThat(first.get("decision").asString()).isEqualTo("ALLOWED_UNSAFE");
        assertThat(first.get("reasons").toString()).isEqualTo("[\"STORAGE_NOT_SHARED\"]");
        assertThat(first.get("overrideReason").asString()).isEqualTo("OPS-9 scratch");
        assertThat(first.get("policyRevision").asString()).isEqualTo(preflight.get("policyRevision").asString());

        String decisionId = migration.json().get("decisionId").asString();
        JsonNode second = line(output, decisionId);
        assertThat(second.get("kind").asString()).isEqualTo("migration");
        assertThat(second.get("principal").asString()).isEqualTo("test-suite");
        assertThat(second.get("domainName").asString()).isEqualTo("test");
        assertThat(second.get("decision").asString()).isEqualTo("DENIED");
        assertThat(second.get("reasons").toString()).isEqualTo("[\"STORAGE_NOT_SHARED\"]");
        assertThat(second.has("overrideReason")).isFalse();
        assertThat(jdbc.sql("SELECT requester FROM decisions WHERE id = :id").param("id", decisionId)
                .query(String.class).single()).isEqualTo("test-suite");
    }

    private static JsonNode line(CapturedOutput output, String decisionId) {
        List<String> lines = output.getAll().lines()
                .filter(l -> l.contains("gatekeeper.decisions") && l.contains("\"decisionId\":\"" + decisionId + "\""))
                .toList();
        assertThat(lines).as("one decision log line for %s", decisionId).hasSize(1);
        String line = lines.get(0);
        return JsonMapper.builder().build().readTree(line.substring(line.indexOf("{\"decisionId\"")));
    }
}
