package io.migrationgatekeeper.migration;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.migrationgatekeeper.testsupport.Api;
import io.migrationgatekeeper.testsupport.RequiresLibvirt;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Names the ledger's columns cannot hold as they are: a JWT subject longer than {@code requester} (200) and a domain
 * name longer than {@code domain_name} (255). Neither is bounded at its origin (the identity provider's subject;
 * libvirt's test driver takes a name of any length), and both answered 500 when the ledger refused the row. Over real
 * HTTP, with real RS256 tokens (WireMock serves the key set) and libvirt's test driver as the sample hosts.
 */
@RequiresLibvirt
@ActiveProfiles("sample")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gatekeeper.security.jwt.issuer=https://idp.test",
        "gatekeeper.security.jwt.audience=migration-gatekeeper"})
class LongNamesIT {

    private static final WireMockServer IDP = new WireMockServer(options().dynamicPort());
    private static final RSAKey KEY = key();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The sample hosts' test driver: a connection of the test's own sees the domains the service sees. */
    private static final String HOST_URI = "test:///default";

    static {
        IDP.start();
        IDP.stubFor(get("/jwks.json").willReturn(okJson(new JWKSet(KEY.toPublicJWK()).toString())));
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private Connect libvirt;
    private Domain longNamed;

    @DynamicPropertySource
    static void idp(DynamicPropertyRegistry registry) {
        registry.add("gatekeeper.security.jwt.jwk-set-uri", () -> IDP.baseUrl() + "/jwks.json");
    }

    @AfterAll
    static void stopIdp() {
        IDP.stop();
    }

    @BeforeEach
    void awaitIdle() throws LibvirtException {
        libvirt = new Connect(HOST_URI);
        awaitNoActiveJob();
    }

    @AfterEach
    void removeDomain() throws LibvirtException {
        if (longNamed != null) {
            longNamed.destroy();
            longNamed.free();
        }
        libvirt.close();
    }

    @Test
    void aSubjectLongerThanTheLedgerKeepsIsStillOneCallerWithItsOwnKeys() {
        String subject = "svc-" + "p".repeat(296);
        Api caller = as(token(subject));
        Api twin = as(token(subject.substring(0, 299) + "q")); // the same 299 first characters, another caller
        Map<String, Object> request = Map.of("domain", "test", "sourceHost", "kvm-a1", "targetHost", "kvm-b1",
                "storageMigration", "full");

        Api.Reply preflight = caller.postJson("/v1/preflight", Map.of("domain", Map.of("host", "kvm-a1", "name", "test")));
        assertThat(preflight.status()).as(preflight.body()).isEqualTo(200);

        Api.Reply first = post(caller, request, "change-1");
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        String requester = first.json().get("requester").asString();
        assertThat(requester).hasSize(200).startsWith("svc-ppp").contains("…sha256:");
        Api.Reply replay = post(caller, request, "change-1");
        assertThat(replay.status()).as(replay.body()).isEqualTo(202);
        assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(replay.json().get("id").asString()).isEqualTo(first.json().get("id").asString());

        awaitNoActiveJob();
        Api.Reply twins = post(twin, request, "change-1");
        assertThat(twins.status()).as("the twin's own key, decided anew: %s", twins.body()).isEqualTo(202);
        assertThat(twins.header("Idempotent-Replayed")).isNull();
        assertThat(twins.json().get("requester").asString()).hasSize(200).isNotEqualTo(requester);

        Api.Reply denied = post(caller, Map.of("domain", "test", "sourceHost", "kvm-a1", "targetHost", "kvm-b1"),
                "change-2");
        assertThat(denied.status()).as(denied.body()).isEqualTo(422);
        assertThat(caller.get("/v1/migrations/" + first.json().get("id").asString()).status()).isEqualTo(200);
    }

    @Test
    void aDomainNameLongerThanTheLedgerKeepsIsDecidedRecordedAndFoundByItsName() throws LibvirtException {
        String name = "vm-" + "n".repeat(297);
        longNamed = libvirt.domainCreateXML("<domain type='test'><name>" + name + "</name><memory>1024</memory>"
                + "<os><type>hvm</type></os><devices><disk type='file' device='disk'>"
                + "<source file='/var/lib/libvirt/images/long.img'/><target dev='vda'/></disk></devices></domain>", 0);
        Api admin = new Api(port);

        Api.Reply preflight = admin.postJson("/v1/preflight", Map.of("domain", Map.of("host", "kvm-a1", "name", name)));
        assertThat(preflight.status()).as(preflight.body()).isEqualTo(200);

        Api.Reply denied = admin.postJson("/v1/migrations", Map.of("domain", name, "sourceHost", "kvm-a1",
                "targetHost", "kvm-b1"));
        assertThat(denied.status()).as(denied.body()).isEqualTo(422);

        Api.Reply approved = admin.postJson("/v1/migrations", Map.of("domain", name, "sourceHost", "kvm-a1",
                "targetHost", "kvm-b1", "storageMigration", "full"));
        assertThat(approved.status()).as(approved.body()).isEqualTo(202);
        JsonNode domain = approved.json().get("domain");
        assertThat(domain.get("name").asString()).hasSize(255).startsWith("vm-nnn").contains("…sha256:");
        assertThat(domain.get("uuid").asString()).isEqualTo(longNamed.getUUIDString());

        Api.Reply byName = admin.get("/v1/migrations?domain=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
        assertThat(byName.status()).as(byName.body()).isEqualTo(200);
        assertThat(byName.json().get("items")).hasSize(1);
        assertThat(byName.json().get("items").get(0).get("id").asString()).isEqualTo(approved.json().get("id").asString());
    }

    @Test
    void aTokenWithoutASubjectIsRefusedNotAnonymous() {
        Api.Reply reply = as(token(null)).postJson("/v1/migrations", Map.of("domain", "test", "sourceHost", "kvm-a1",
                "targetHost", "kvm-b1", "storageMigration", "full"));

        assertThat(reply.status()).as(reply.body()).isEqualTo(401);
        assertThat(reply.json().get("detail").asString()).contains("sub");
    }

    private Api.Reply post(Api api, Map<String, Object> body, String key) {
        return api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/migrations"))
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
    }

    private Api as(String token) {
        return new Api(port, token);
    }

    /** The test driver cannot migrate: an approved job fails within moments, and frees the domain. */
    private void awaitNoActiveJob() {
        await().atMost(Duration.ofSeconds(30)).until(() ->
                jdbc.sql("SELECT COUNT(*) FROM migration_jobs WHERE active_domain IS NOT NULL").query(Integer.class)
                        .single() == 0);
    }

    private static String token(String subject) {
        Consumer<JWTClaimsSet.Builder> claims = c -> c.issuer("https://idp.test").audience("migration-gatekeeper")
                .subject(subject).issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(300)))
                .claim("scope", "preflight migrate read");
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
        claims.accept(builder);
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(KEY.getKeyID()).build(),
                    builder.build());
            jwt.sign(new RSASSASigner(KEY));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAKey key() {
        try {
            return new RSAKeyGenerator(2048).keyID("long-names").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
