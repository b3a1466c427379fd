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
}
