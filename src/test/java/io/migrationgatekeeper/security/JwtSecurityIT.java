package io.migrationgatekeeper.security;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Real RS256 tokens against a JWKS that WireMock serves (the identity provider is the one peer we do not run). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gatekeeper.security.jwt.issuer=https://idp.test",
        "gatekeeper.security.jwt.audience=migration-gatekeeper"})
@ActiveProfiles("sample")
class JwtSecurityIT {

    private static final WireMockServer IDP = new WireMockServer(options().dynamicPort());
    private static final RSAKey FIRST = key("k1");
    private static final RSAKey ROTATED = key("k2");
    private static final RSAKey STRANGER = key("k1");
    private static final String DOMAIN = "<domain><name>d</name></domain>";
    private static final String PROBLEM = "urn:migration-gatekeeper:problem:";

    static {
        IDP.start();
        publish(FIRST);
    }

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void idp(DynamicPropertyRegistry registry) {
        registry.add("gatekeeper.security.jwt.jwk-set-uri", () -> IDP.baseUrl() + "/jwks.json");
    }

    @AfterAll
    static void stopIdp() {
        IDP.stop();
    }

    @Test
    void aValidTokenPassesAndItsSubjectIsTheCaller() {
        Api.Reply reply = as(token(FIRST, c -> c.claim("scope", "preflight read"))).postXml("/v1/preflight", DOMAIN);

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(as(token(FIRST, c -> c.claim("scope", "preflight read"))).get("/v1/policy").status()).isEqualTo(200);
        assertThat(as(token(FIRST, c -> c.claim("scp", List.of("preflight")))).postXml("/v1/preflight", DOMAIN).status())
                .as("scopes from a list claim").isEqualTo(200);
    }

    @Test
    void expiredWrongIssuerWrongAudienceAndBadSignatureAre401() {
        List<String> rejected = List.of(
                token(FIRST, c -> c.expirationTime(Date.from(Instant.now().minusSeconds(600)))),
                token(FIRST, c -> c.issuer("https://evil.test")),
                token(FIRST, c -> c.audience("another-service")),
                token(STRANGER, c -> { }));

        for (String token : rejected) {
            Api.Reply reply = as(token).postXml("/v1/preflight", DOMAIN);
            assertThat(reply.status()).as(reply.body()).isEqualTo(401);
            assertThat(reply.json().get("type").asString()).isEqualTo(PROBLEM + "unauthorized");
            assertThat(reply.header("WWW-Authenticate")).contains("invalid_token");
        }
    }

    @Test
    void aMissingScopeIs403() {
        Api.Reply reply = as(token(FIRST, c -> c.claim("scope", "read"))).postXml("/v1/preflight", DOMAIN);

        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.json().get("type").asString()).isEqualTo(PROBLEM + "forbidden");
        assertThat(reply.json().get("detail").asString()).contains("pipeline-7", "scope 'preflight'");
        Api.Reply override = as(token(FIRST, c -> c.claim("scope", "preflight"))).postXml("/v1/preflight?unsafeReason=x",
                DOMAIN);
        assertThat(override.status()).isEqualTo(403);
        assertThat(override.json().get("type").asString()).isEqualTo(PROBLEM + "override-refused");
    }

    @Test
    void aRotatedKeyIsPickedUpFromTheJwksEndpoint() {
        assertThat(as(token(FIRST, c -> c.claim("scope", "preflight"))).postXml("/v1/preflight", DOMAIN).status())
                .isEqualTo(200);

        publish(ROTATED);

        assertThat(as(token(ROTATED, c -> c.claim("scope", "preflight"))).postXml("/v1/preflight", DOMAIN).status())
                .as("signed with the new key").isEqualTo(200);
        publish(FIRST);
    }

    private Api as(String token) {
        return new Api(port, token);
    }

    private static String token(RSAKey key, Consumer<JWTClaimsSet.Builder> change) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer("https://idp.test")
                .audience("migration-gatekeeper")
                .subject("pipeline-7")
                .issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(300)))
                .claim("scope", "preflight");
        change.accept(claims);
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                    claims.build());
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void publish(RSAKey key) {
        IDP.stubFor(get("/jwks.json").willReturn(okJson(new JWKSet(key.toPublicJWK()).toString())));
    }

    private static RSAKey key(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
