package io.migrationgatekeeper.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.testsupport.Api;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every edge of the HTTP API answers a problem document with the right status, a stable type and the request's
 * id: what Tomcat refuses before any filter, what the container dispatches to /error, what Spring Security's
 * firewall refuses, content negotiation, and strict JSON.
 */
@ExtendWith(OutputCaptureExtension.class)
@AutoConfigureMetrics
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"gatekeeper.libvirt.probe.enabled=false", "gatekeeper.audit.enabled=false"})
@ActiveProfiles("sample")
class HttpEdgesIT {

    private static final String PROBLEM = "urn:migration-gatekeeper:problem:";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String XML = "<domain><name>web1</name><devices><disk type='file'><driver cache='none'/>"
            + "<source file='/srv/nfs/a.img'/><target dev='vda'/></disk></devices></domain>";

    @LocalServerPort
    int port;

    Api api;

    @BeforeEach
    void client() {
        api = new Api(port);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "a '|' in the path          ; GET /v1/migrations/a|b HTTP/1.1                    ; ; 400 ; bad-request",
            "a header over the limit    ; GET /v1/policy HTTP/1.1                            ; X-Big: %BIG% ; 400 ; bad-request",
            "a query over the limit     ; GET /v1/migrations?domain=%BIG% HTTP/1.1           ; ; 400 ; bad-request",
            "too many parameters        ; GET /v1/migrations?%PARAMS% HTTP/1.1               ; ; 400 ; bad-request",
            "TRACE                      ; TRACE /v1/policy HTTP/1.1                          ; ; 405 ; method-not-allowed",
            "an unknown method          ; FOO /v1/policy HTTP/1.1                            ; ; 501 ; not-implemented",
            "an encoded slash           ; GET /v1/hosts/a%2Fb HTTP/1.1                       ; ; 400 ; bad-request",
            "no such path               ; GET /v1/nope HTTP/1.1                              ; ; 404 ; not-found",
            "/error asked for directly  ; GET /error HTTP/1.1                                ; ; 404 ; not-found",
    })
    void malformedOrRefusedRequestsGetProblems(String what, String requestLine, String header, int status, String type) {
        String line = requestLine.replace("%BIG%", "a".repeat(20_000)).replace("%PARAMS%", params(12_000));
        RawHttp.Response response = RawHttp.send(port, line + "\r\nHost: localhost\r\nAuthorization: Bearer "
                + Api.TEST_KEY + "\r\n" + (header == null ? "" : header.replace("%BIG%", "a".repeat(20_000)) + "\r\n")
                + "Connection: close\r\n\r\n");

        assertProblem(response, status, type);
    }

    /**
     * What the firewall refuses while the request is already being handled (a parameter or header first read by an
     * actuator endpoint, content negotiation or a controller) is the caller's bad request, as when it refuses one in
     * the filter chain: these were 500s with a stack trace in the log for each. {@code %NEL%} goes out as the byte
     * 0x85, which Tomcat reads as the control character NEL (U+0085).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "a control character in an actuator parameter name, no credential ; GET /actuator/health?%01=1 ; ; ",
            "NEL in a readiness parameter name     ; GET /actuator/health/readiness?%C2%85=1 ; ; ",
            "NEL in a scrape parameter name        ; GET /actuator/prometheus?%C2%85=1 ; ; ",
            "an undecodable scrape parameter value ; GET /actuator/prometheus?includedNames=%ED%A0%80 ; ; percent-encoded",
            "NEL in Accept                         ; GET /v1/policy ; Accept: application/json%NEL% ; header 'Accept'",
            "NEL in an API parameter name          ; GET /v1/policy?%C2%85=1 ; ; query parameter name",
            "NUL in an API parameter name          ; GET /v1/migrations?%00=1 ; ; query parameter name",
            "NEL in Idempotency-Key                ; POST /v1/migrations ; Idempotency-Key: ab%NEL%cd ; header 'Idempotency-Key'",
            "NEL in a drain's Idempotency-Key      ; POST /v1/drains ; Idempotency-Key: ab%NEL%cd ; header 'Idempotency-Key'",
    })
    void whatTheFirewallRefusesWhileARequestIsHandledIsABadRequest(String what, String request, String header,
            String detail) {
        String head = request + " HTTP/1.1\r\nHost: localhost\r\n"
                + (request.contains("/actuator/") ? "" : "Authorization: Bearer " + Api.TEST_KEY + "\r\n")
                + (header == null ? "" : header.replace("%NEL%", "\u0085") + "\r\n");
        String body = request.startsWith("POST") ? "{}" : "";
        RawHttp.Response response = RawHttp.send(port, head + (body.isEmpty() ? "" : "Content-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n") + "Connection: close\r\n\r\n" + body);

        assertProblem(response, 400, "bad-request");
        if (detail != null) {
            assertThat(JSON.readTree(response.body()).get("detail").asString()).contains(detail);
        }
    }

    /** The firewall's own message quotes the refused value: an API key with a stray control character appended. */
    @Test
    void aRefusedCredentialIsNotEchoed() {
        RawHttp.Response response = RawHttp.send(port, "GET /v1/policy HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + Api.TEST_KEY + "\u0085\r\nConnection: close\r\n\r\n");

        assertProblem(response, 400, "bad-request");
        assertThat(response.body()).doesNotContain(Api.TEST_KEY)
                .contains("the value of header 'Authorization' contains a character that is not allowed");
    }

    @Test
    void aBadChunkIsTheRequestsFault() {
        RawHttp.Response response = RawHttp.send(port, "POST /v1/preflight HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + Api.TEST_KEY + "\r\nContent-Type: application/xml\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n<domain/>\r\n0\r\n\r\n");

        assertProblem(response, 400, "bad-request");
    }

    @Test
    void unauthorisedAnswersAreProblemJsonWithoutALatin1Charset() {
        Api.Reply reply = new Api(port, null).get("/v1/policy");

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.contentType()).isEqualTo("application/problem+json");
        assertThat(reply.json().get("requestId").asString()).isEqualTo(reply.header("X-Request-Id"));
    }

    @Test
    void anUnknownPathSaysSoWithoutSpringsWords() {
        Api.Reply reply = api.get("/v1/nope");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.json().get("detail").asString()).isEqualTo("no such endpoint: GET /v1/nope (see openapi.yaml)")
                .doesNotContain("static resource");
    }

    @Test
    void acceptTextHtmlDoesNotHideTheRealAnswer() {
        Api.Reply missing = api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/migrations/nope"))
                .header("Accept", "text/html").GET().build());
        Api.Reply badXml = api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/preflight"))
                .header("Accept", "text/html").header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofString("<domain")).build());
        Api.Reply policy = api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/policy"))
                .header("Accept", "text/html").GET().build());

        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("type").asString()).isEqualTo(PROBLEM + "migration-not-found");
        assertThat(badXml.status()).isEqualTo(400);
        assertThat(badXml.json().get("type").asString()).isEqualTo(PROBLEM + "malformed-xml");
        assertThat(policy.status()).isEqualTo(200);
        assertThat(policy.contentType()).startsWith("application/json");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"domainXml\": \"%XML%\", \"offline\": \"true\"}                       | offline",
            "{\"domainXml\": \"%XML%\", \"offline\": 1}                              | offline",
            "{\"domainXml\": 5}                                                      | domainXml",
            "{\"domainXml\": \"%XML%\", \"domainXml\": \"<domain/>\"}                | domainXml",
            "{\"domainXml\": \"%XML%\", \"unsafe\": {\"reason\": 7}}                 | unsafe.reason",
            "{\"domainXml\": \"%XML%\", \"migrateDisks\": \"vda\"}                   | migrateDisks",
            "{\"domainXml\": \"%XML%\", \"failOnDeny\": null, \"failOnDeny\": true}  | failOnDeny",
            "{\"domainXml\": \"%XML%\", \"storageMigration\": false}                 | storageMigration",
    })
    void jsonBodiesAreStrict(String body, String field) {
        Api.Reply reply = api.postJson("/v1/preflight", body.replace("%XML%", XML.replace("\"", "\\\"")));

        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.json().get("type").asString()).isEqualTo(PROBLEM + "bad-parameter");
        assertThat(reply.json().get("parameter").asString()).isEqualTo(field);
        assertThat(reply.json().get("detail").asString()).doesNotContain("java.", "`", "Cannot deserialize");
    }

    @Test
    void wrongParameterTypesDoNotShowJavaTypes() {
        Api.Reply reply = api.get("/v1/migrations?limit=abc");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("detail").asString()).isEqualTo("limit: must be a whole number between 1 and 200");
        assertThat(reply.json().get("parameter").asString()).isEqualTo("limit");
    }

    @Test
    void theCallersRequestIdIsEchoedLoggedAndInProblems(CapturedOutput output) {
        Api.Reply preflight = api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/v1/preflight?sourceHost=kvm-a1&targetHost=kvm-a2")).header("Content-Type", "application/xml")
                .header("X-Request-Id", "change-4711.step-1").POST(HttpRequest.BodyPublishers.ofString(XML)).build());
        Api.Reply problem = api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/migrations/x"))
                .header("X-Request-Id", "change-4711.step-2").GET().build());

        assertThat(preflight.header("X-Request-Id")).isEqualTo("change-4711.step-1");
        assertThat(problem.header("X-Request-Id")).isEqualTo("change-4711.step-2");
        assertThat(problem.json().get("requestId").asString()).isEqualTo("change-4711.step-2");
        String decisionLine = output.getAll().lines().filter(l -> l.contains("gatekeeper.decisions")
                && l.contains(preflight.json().get("decisionId").asString())).findFirst().orElseThrow();
        assertThat(decisionLine).contains("[change-4711.step-1]", "\"requestId\":\"change-4711.step-1\"");
    }

    @Test
    void aTraceparentGivesTheRequestItsTraceIdAndUnsafeIdsAreReplaced() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        Api.Reply traced = api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/policy"))
                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01").GET().build());
        Api.Reply hostile = api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/policy"))
                .header("X-Request-Id", "a\"b c").GET().build());
        Api.Reply tooLong = api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/policy"))
                .header("X-Request-Id", "x".repeat(129)).GET().build());
        Api.Reply none = api.get("/v1/policy");

        assertThat(traced.header("X-Request-Id")).isEqualTo(traceId);
        assertThat(hostile.header("X-Request-Id")).matches("[0-9a-f]{32}");
        assertThat(tooLong.header("X-Request-Id")).matches("[0-9a-f]{32}");
        assertThat(none.header("X-Request-Id")).matches("[0-9a-f]{32}").isNotEqualTo(hostile.header("X-Request-Id"));
    }

    @ParameterizedTest(name = "{0} with Accept: {1}")
    @CsvSource(delimiter = ';', value = {
            "/actuator/health            ; text/html                         ; application/",
            "/actuator/health            ; application/xml                   ; application/",
            "/actuator/health/liveness   ; text/html,application/xhtml+xml   ; application/",
            "/actuator/health/readiness  ; image/*                           ; application/",
            "/actuator/health            ; not a media type                  ; application/",
            "/actuator/prometheus        ; text/html                         ; text/plain",
            "/actuator/prometheus        ; application/xml                   ; text/plain",
            "/actuator/prometheus        ; application/openmetrics-text      ; application/openmetrics-text"})
    void actuatorEndpointsAnswerWhateverTheAccept(String path, String accept, String contentType) {
        Api.Reply reply = new Api(port, null).send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", accept).GET().build());

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith(contentType);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/actuator/health/nope", "/actuator/health/libvirt/kvm-a1", "/actuator/health/readiness/x",
            "/actuator/health/ledger"})
    void anUnknownActuatorPathIsAProblem(String path) {
        for (String accept : new String[] {"*/*", "text/html"}) {
            Api.Reply reply = new Api(port, null).send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + path)).header("Accept", accept).GET().build());

            assertThat(reply.status()).as(reply.body()).isEqualTo(404);
            assertThat(reply.contentType()).startsWith("application/problem+json");
            assertThat(reply.json().get("type").asString()).isEqualTo(PROBLEM + "not-found");
            assertThat(reply.json().get("instance").asString()).isEqualTo(path);
        }
    }

    @Test
    void aSampledTraceLeavesThePrometheusScrapeParseable() {
        api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/v1/preflight?sourceHost=kvm-a1&targetHost=kvm-a2")).header("Content-Type", "application/xml")
                .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4737-00f067aa0ba902b8-01")
                .POST(HttpRequest.BodyPublishers.ofString(XML)).build());

        Api.Reply scrape = new Api(port, null).send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/actuator/prometheus")).header("Accept", "application/openmetrics-text;version=1.0.0").GET().build());

        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.body()).contains("gatekeeper_evaluation_seconds_count")
                .as("no exemplars: Prometheus refuses one on a _count line and drops the whole scrape")
                .doesNotContain("# {");
    }

    @Test
    void aLibvirtCallOnAnotherThreadLogsUnderTheRequestsId(CapturedOutput output) {
        // The first call to kvm-b1 (no probe, no audit here) opens its connection on a libvirt worker, which logs.
        Api.Reply reply = api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/preflight"))
                .header("X-Request-Id", "hosts-probe-1").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"domain\": {\"host\": \"kvm-b1\", \"name\": \"test\"}}"))
                .build());

        org.junit.jupiter.api.Assumptions.assumeTrue(reply.status() == 200, "needs libvirt0: " + reply.body());
        assertThat(output.getAll().lines().filter(l -> l.contains("libvirt-call") && l.contains("kvm-b1")))
                // Other test contexts in this JVM may connect to a kvm-b1 of their own meanwhile, without a request.
                .anySatisfy(l -> assertThat(l).contains("[hosts-probe-1]"));
    }

    private static void assertProblem(RawHttp.Response response, int status, String type) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("type").asString()).isEqualTo(PROBLEM + type);
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("detail").asString()).isNotBlank().doesNotContain("java.", "static resource");
        assertThat(body.get("requestId").asString()).isNotBlank().isEqualTo(response.header("X-Request-Id"));
    }

    private static String params(int count) {
        StringBuilder query = new StringBuilder();
        for (int i = 0; i < count; i++) {
            query.append(i == 0 ? "" : "&").append("p").append(i).append("=1");
        }
        return query.toString();
    }

}
