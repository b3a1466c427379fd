package io.migrationgatekeeper.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.testsupport.Api;
import io.migrationgatekeeper.testsupport.ServiceProcess;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * With Spring Boot's structured console logging, the decision log's fields are fields of the log event, not a
 * JSON string escaped inside {@code message}, and every event of a request carries its id. A separate JVM: the
 * logging format of a JVM that runs other test contexts must not change.
 */
class StructuredLoggingIT {

    @Test
    void decisionFieldsAreTopLevelFieldsOfTheEcsEvent() {
        try (ServiceProcess service = ServiceProcess.start("--spring.profiles.active=sample",
                "--logging.structured.format.console=ecs", "--spring.datasource.url=jdbc:h2:mem:structured")) {
            Api.Reply reply = service.api().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + service.api().port() + "/v1/preflight?sourceHost=kvm-a1&targetHost=kvm-a2"))
                    .header("Content-Type", "application/xml").header("X-Request-Id", "ecs-check-1")
                    .POST(HttpRequest.BodyPublishers.ofString("<domain><name>web1</name><devices><disk type='file'>"
                            + "<source file='/var/lib/libvirt/images/a.img'/><target dev='vda'/></disk></devices></domain>"))
                    .build());
            assertThat(reply.status()).isEqualTo(200);
            String decisionId = reply.json().get("decisionId").asString();

            List<JsonNode> events = service.log().lines().filter(l -> l.startsWith("{"))
                    .map(l -> JsonMapper.builder().build().readTree(l)).toList();
            JsonNode decision = events.stream().filter(e -> decisionId.equals(e.path("decisionId").asString(null)))
                    .findFirst().orElseThrow(() -> new AssertionError("no ECS event with decisionId " + decisionId
                            + " in\n" + service.log()));
            assertThat(decision.get("log").get("logger").asString()).isEqualTo("gatekeeper.decisions");
            assertThat(decision.get("message").asString()).doesNotContain("{").contains("DENIED", decisionId);
            assertThat(decision.get("decision").asString()).isEqualTo("DENIED");
            assertThat(decision.get("kind").asString()).isEqualTo("preflight");
            assertThat(decision.get("principal").asString()).isEqualTo("test-suite");
            assertThat(decision.get("reasons").isArray()).isTrue();
            assertThat(decision.get("reasons").get(0).asString()).isEqualTo("STORAGE_NOT_SHARED");
            assertThat(decision.get("requestId").asString()).isEqualTo("ecs-check-1");
        }
    }

    /**
     * Issue 12: the job a POST queued runs in the background, on the service's own threads, under the POST's request
     * id: its log lines carry it, the job shows it, and the ledger keeps it. A caller's over-long or malformed
     * X-Request-Id never gets that far: a generated id replaces it.
     */
    @Test
    void aBackgroundMigrationsLogLinesCarryTheIdOfThePostThatQueuedIt() {
        try (ServiceProcess service = ServiceProcess.start("--spring.profiles.active=sample",
                "--logging.structured.format.console=ecs", "--spring.datasource.url=jdbc:h2:mem:structured-jobs",
                "--gatekeeper.migrations.poll-interval=100ms")) {
            JsonNode job = migrate(service, "job-check-1");
            assertThat(job.get("requestId").asString()).isEqualTo("job-check-1");
            String id = job.get("id").asString();
            JsonNode ended = awaitEnd(service, id);
            assertThat(ended.get("requestId").asString()).isEqualTo("job-check-1");

            List<JsonNode> jobLines = events(service).stream()
                    .filter(e -> e.path("message").asString("").contains(id))
                    .filter(e -> e.path("process").path("thread").path("name").asString("").startsWith("migration-"))
                    .toList();
            assertThat(jobLines).as("the job's own log lines, from its background thread, in\n%s", service.log())
                    .hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(e -> assertThat(e.path("requestId").asString(null)).as(e.toString()).isEqualTo("job-check-1"));
            assertThat(jobLines).anySatisfy(e -> assertThat(e.get("message").asString()).contains("FAILED"));

            String huge = "x".repeat(4000);
            for (String hostile : List.of(huge, "two words", "semi;colon", "quote\"d")) {
                Api.Reply reply = post(service, hostile);
                assertThat(reply.status()).as(reply.body()).isEqualTo(202);
                String replaced = reply.header("X-Request-Id");
                assertThat(replaced).matches("[0-9a-f]{32}");
                assertThat(reply.json().get("requestId").asString()).isEqualTo(replaced);
                awaitEnd(service, reply.json().get("id").asString());
            }
            assertThat(service.log()).doesNotContain(huge).doesNotContain("two words");
        }
    }

    private static JsonNode migrate(ServiceProcess service, String requestId) {
        Api.Reply reply = post(service, requestId);
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        assertThat(reply.header("X-Request-Id")).isEqualTo(requestId);
        return reply.json();
    }

    /** The test driver's domain, its local disk copied: approved; the test driver cannot migrate, so it ends FAILED. */
    private static Api.Reply post(ServiceProcess service, String requestId) {
        return service.api().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.api().port()
                        + "/v1/migrations"))
                .header("Content-Type", "application/json").header("X-Request-Id", requestId)
                .POST(HttpRequest.BodyPublishers.ofString("{\"domain\": \"test\", \"sourceHost\": \"kvm-a1\","
                        + " \"targetHost\": \"kvm-b1\", \"storageMigration\": \"full\"}"))
                .build());
    }

    private static JsonNode awaitEnd(ServiceProcess service, String id) {
        JsonNode[] job = new JsonNode[1];
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> {
            job[0] = service.api().get("/v1/migrations/" + id).json();
            return List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(job[0].get("state").asString());
        });
        return job[0];
    }

    private static List<JsonNode> events(ServiceProcess service) {
        return service.log().lines().filter(l -> l.startsWith("{")).map(l -> JsonMapper.builder().build().readTree(l))
                .toList();
    }
}
