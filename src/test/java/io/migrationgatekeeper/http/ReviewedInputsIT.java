package io.migrationgatekeeper.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.testsupport.Api;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The adversarial review of main 17b8155 (findings 2, 4, 7, 9 and 11): out-of-range and forged query values, a
 * repeated header, 405s that named methods the path lacks, and problem details that quoted Java, Jackson, Xerces
 * or Tomcat instead of saying what was wrong.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"gatekeeper.libvirt.probe.enabled=false", "gatekeeper.audit.enabled=false"})
@ActiveProfiles("sample")
class ReviewedInputsIT {

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

    /** Finding 7: TRACE's Allow was Tomcat's list of every method HttpServlet implements, PUT and DELETE included. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = ';', value = {
            "TRACE  ; /v1/migrations          ; GET, HEAD, POST, OPTIONS",
            "PUT    ; /v1/migrations          ; GET, HEAD, POST, OPTIONS",
            "DELETE ; /v1/migrations          ; GET, HEAD, POST, OPTIONS",
            "TRACE  ; /v1/migrations/abc      ; GET, HEAD, OPTIONS",
            "TRACE  ; /v1/drains/abc/cancel   ; POST, OPTIONS",
            "GET    ; /v1/drains              ; POST, OPTIONS",
            "TRACE  ; /v1/policy              ; GET, HEAD, OPTIONS",
    })
    void a405ListsOnlyTheMethodsThePathHas(String method, String path, String allow) {
        RawHttp.Response response = RawHttp.send(port, method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + Api.TEST_KEY + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).as(response.body()).isEqualTo(405);
        assertThat(response.header("Allow")).isEqualTo(allow);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("type").asString()).isEqualTo(PROBLEM + "method-not-allowed");
        assertThat(body.get("detail").asString()).isEqualTo("method " + method + " is not allowed on " + path
                + "; allowed: " + allow);
    }

    @Test
    void traceOnAPathThatDoesNotExistIsA404() {
        RawHttp.Response response = RawHttp.send(port, "TRACE /v1/nope HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + Api.TEST_KEY + "\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).as(response.body()).isEqualTo(404);
        assertThat(response.header("Allow")).isNull();
    }

    private static void assertBadParameter(Api.Reply reply, String parameter) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.json().get("type").asString()).isEqualTo(PROBLEM + "bad-parameter");
        assertThat(reply.json().get("parameter").asString()).isEqualTo(parameter);
        assertThat(reply.json().get("detail").asString()).doesNotContain("java.", "Exception", "`");
    }

    private static String cursor(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
