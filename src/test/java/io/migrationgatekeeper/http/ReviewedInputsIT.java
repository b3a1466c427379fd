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

    /** Finding 2: these were 500s (DateTimeException in the ledger's query). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "since past year 9999       ; since=%2B999999999-12-31T23:59:59.999999999-18:00 ; since",
            "since before year 1        ; since=-999999999-01-01T00:00:00%2B18:00             ; since",
            "cursor before year 1       ; cursor=%EARLY%                                     ; cursor",
            "cursor past year 9999      ; cursor=%LATE%                                      ; cursor",
    })
    void decisionsRefuseInstantsTheLedgerCannotHold(String what, String query, String parameter) {
        String uuid = "bebeafbf-450f-458c-8927-e331d9d23c25";
        Api.Reply reply = api.get("/v1/decisions?" + query
                .replace("%EARLY%", cursor("decision:-31557014167219200:0:" + uuid))
                .replace("%LATE%", cursor("decision:31556889864403199:999999999:" + uuid)));

        assertBadParameter(reply, parameter);
    }

    /** Finding 2's class of bug on GET /v1/migrations, and finding 11's empty domain. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "a limit past int           ; limit=99999999999       ; limit ; between 1 and 200",
            "a limit of zero            ; limit=0                 ; limit ; between 1 and 200",
            "a cursor of another kind   ; cursor=%DECISION%       ; cursor ; not a cursor",
            "a cursor past long         ; cursor=%HUGE%           ; cursor ; not a cursor",
            "an empty domain            ; domain=                 ; domain ; empty",
    })
    void migrationsRefuseWhatTheyCannotPage(String what, String query, String parameter, String says) {
        Api.Reply reply = api.get("/v1/migrations?" + query
                .replace("%DECISION%", cursor("decision:0:0:bebeafbf-450f-458c-8927-e331d9d23c25"))
                .replace("%HUGE%", cursor("seq:99999999999999999999")));

        assertBadParameter(reply, parameter);
        assertThat(reply.json().get("detail").asString()).contains(says);
    }

    /** Finding 4: the header was stored joined ("a,b") on drains, while migrations refused it. */
    @Test
    void aDrainRefusesTwoIdempotencyKeysAsAMigrationDoes() {
        Api.Reply reply = api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/drains"))
                .header("Content-Type", "application/json").header("Idempotency-Key", "a").header("Idempotency-Key", "b")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sourceHost\": \"kvm-a1\"}")).build());

        assertBadParameter(reply, "Idempotency-Key");
        assertThat(reply.json().get("detail").asString()).isEqualTo("Idempotency-Key: is given more than once; send one");
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

    /** Finding 9: each of these quoted Jackson's Java API, or got a message that was wrong for it. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "deep nesting     | /v1/migrations | {\"x\": %DEEP%}                 | malformed-json | (body) | the JSON is nested too deeply: at most 500 levels of objects and arrays",
            "empty body       | /v1/migrations | ''                       | malformed-json | (body) | the request body is empty: send a JSON object",
            "blank body       | /v1/drains     | '   '                    | malformed-json | (body) | the request body is empty: send a JSON object",
            "literal null     | /v1/migrations | null                     | malformed-json | (body) | the request body is JSON null: send a JSON object",
            "two objects      | /v1/drains     | {\"sourceHost\": \"kvm-a1\", \"dryRun\": true} {} | malformed-json | (body) | the request body has more than one JSON value: send exactly one JSON object",
            "int overflow     | /v1/migrations | {\"domain\": \"test\", \"sourceHost\": \"kvm-a1\", \"targetHost\": \"kvm-a2\", \"options\": {\"timeoutSeconds\": 99999999999}} | bad-parameter | options.timeoutSeconds | options.timeoutSeconds: 99999999999 is out of range: it must be an integer from 1 to 2147483647",
            "long overflow    | /v1/migrations | {\"domain\": \"test\", \"sourceHost\": \"kvm-a1\", \"targetHost\": \"kvm-a2\", \"options\": {\"bandwidthMiBps\": 99999999999999999999}} | bad-parameter | options.bandwidthMiBps | options.bandwidthMiBps: 99999999999999999999 is out of range: it must be an integer from 1 to 8796093022207 (the most libvirt accepts)",
            "over libvirt max | /v1/migrations | {\"domain\": \"test\", \"sourceHost\": \"kvm-a1\", \"targetHost\": \"kvm-a2\", \"options\": {\"bandwidthMiBps\": 8796093022208}} | bad-parameter | options.bandwidthMiBps | options.bandwidthMiBps: 8796093022208 is out of range: it must be an integer from 1 to 8796093022207 (the most libvirt accepts)",
    })
    void jsonProblemsSayWhatIsWrongInPlainWords(String what, String path, String body, String type, String parameter,
            String detail) {
        Api.Reply reply = api.postJson(path, body.replace("%DEEP%", "[".repeat(600) + "]".repeat(600)));

        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.json().get("type").asString()).isEqualTo(PROBLEM + type);
        assertThat(reply.json().get("detail").asString()).isEqualTo(detail);
        if (type.equals("bad-parameter")) {
            assertThat(reply.json().get("parameter").asString()).isEqualTo(parameter);
        }
    }

    @Test
    void aLargestBandwidthLibvirtTakesIsNotRefused() {
        Api.Reply reply = api.postJson("/v1/migrations", "{\"domain\": \"test\", \"sourceHost\": \"kvm-a1\","
                + " \"targetHost\": \"kvm-a2\", \"options\": {\"bandwidthMiBps\": 8796093022207}}");

        assertThat(reply.body()).doesNotContain("bandwidthMiBps");
    }

    /** Finding 9: the JDK's parser gave its message key (…REC-xml-names-19990114#AttributeNotUnique?disk&type). */
    @Test
    void aDuplicateAttributeIsSaidInWords() {
        Api.Reply reply = api.postXml("/v1/preflight?sourceHost=kvm-a1&targetHost=kvm-a2",
                XML.replace("<disk type='file'>", "<disk type='file' type='block'>"));

        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.json().get("type").asString()).isEqualTo(PROBLEM + "malformed-xml");
        assertThat(reply.json().get("detail").asString())
                .startsWith("not well-formed XML: attribute 'type' appears twice on element <disk>")
                .doesNotContain("http://", "#");
    }

    /** Finding 9: Tomcat's text was "… Use debug level logging to see more …". */
    @Test
    void anUndecodableQueryIsSaidInWords() {
        RawHttp.Response response = RawHttp.send(port, "GET /v1/policy?%zz=1 HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + Api.TEST_KEY + "\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).as(response.body()).isEqualTo(400);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("parameter").asString()).isEqualTo("(query)");
        assertThat(body.get("detail").asString()).contains("two hexadecimal digits").doesNotContainIgnoringCase("debug");
    }

    /** Finding 9: a Basic credential was told "send a credential", as if none had been sent. */
    @Test
    void aBasicCredentialIsToldWhichSchemeIsAccepted() {
        Api.Reply reply = new Api(port, null).send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/policy"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8)))
                .GET().build());

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(reply.json().get("detail").asString()).isEqualTo("the Authorization scheme 'Basic' is not accepted:"
                + " the only scheme accepted is Bearer, with an API key or a JWT ('Authorization: Bearer <token or API key>')");
    }

    /** Finding 11: a blank reason was silently no override in the query, and a 400 in the JSON body. */
    @ParameterizedTest
    @CsvSource({"%20", "''", "%09%20"})
    void aBlankUnsafeReasonInTheQueryIsRefused(String reason) {
        Api.Reply reply = api.postXml("/v1/preflight?sourceHost=kvm-a1&targetHost=kvm-a2&unsafeReason=" + reason, XML);

        assertBadParameter(reply, "unsafeReason");
    }

    /** Finding 11: body and query disagreeing on failOnDeny were resolved silently (true won). */
    @Test
    void failOnDenyInBodyAndQueryMustAgree() {
        String body = "{\"domainXml\": \"" + XML.replace("\"", "\\\"") + "\", \"sourceHost\": \"kvm-a1\","
                + " \"targetHost\": \"kvm-a2\", \"failOnDeny\": true}";

        assertBadParameter(api.postJson("/v1/preflight?failOnDeny=false", body), "failOnDeny");
        assertThat(api.postJson("/v1/preflight?failOnDeny=true", body).status()).isNotEqualTo(400);
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
