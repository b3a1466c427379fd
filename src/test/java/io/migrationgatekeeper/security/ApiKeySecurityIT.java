package io.migrationgatekeeper.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.testsupport.Api;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gatekeeper.security.api-keys[0].name=test-suite",
        "gatekeeper.security.api-keys[0].sha256=499f7d4897a02df7fd954215229b71cce95b91997d4835ab6d0ff568f96957ac",
        "gatekeeper.security.api-keys[0].scopes=preflight,migrate,override,read",
        "gatekeeper.security.api-keys[1].name=ci-pipeline",
        "gatekeeper.security.api-keys[1].sha256=fa8a6e2f81ba569c0bdfd2d3742203036849e3bc2ea1507b2b1380e871f34c75",
        "gatekeeper.security.api-keys[1].scopes=preflight"})
@ActiveProfiles("sample")
class ApiKeySecurityIT {

    private static final String CI_KEY = "ci-key-preflight-only";
    private static final String PROBLEM = "urn:migration-gatekeeper:problem:";
    private static final String LOCAL = "<domain><name>d</name><devices><disk type='file'><driver cache='none'/>"
            + "<source file='/var/lib/libvirt/images/d.img'/><target dev='vda'/></disk></devices></domain>";

    @LocalServerPort
    int port;

    @Test
    void theRightKeyPassesAndItsScopesBound(CapturedOutput output) {
        Api ci = new Api(port, CI_KEY);

        assertThat(ci.postXml("/v1/preflight", LOCAL).status()).isEqualTo(200);
        Api.Reply policy = ci.get("/v1/policy");
        assertThat(policy.status()).isEqualTo(403);
        assertThat(policy.json().get("type").asString()).isEqualTo(PROBLEM + "forbidden");
        assertThat(policy.json().get("detail").asString()).contains("ci-pipeline", "scope 'read'");
        assertThat(ci.postJson("/v1/migrations", Map.of("domain", "test", "sourceHost", "kvm-a1", "targetHost", "kvm-b1"))
                .status()).isEqualTo(403);
        assertThat(output.getAll()).doesNotContain(CI_KEY).doesNotContain(Api.TEST_KEY);
    }

    @Test
    void wrongOrAbsentKeysAre401(CapturedOutput output) {
        Api wrong = new Api(port, "not-a-key-we-know");
        Api none = new Api(port, null);

        for (Api.Reply reply : List.of(wrong.postXml("/v1/preflight", LOCAL), none.postXml("/v1/preflight", LOCAL),
                none.get("/v1/hosts"), wrong.get("/v1/policy"))) {
            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.contentType()).startsWith("application/problem+json");
            assertThat(reply.json().get("type").asString()).isEqualTo(PROBLEM + "unauthorized");
            assertThat(reply.header("WWW-Authenticate")).startsWith("Bearer");
        }
        assertThat(output.getAll()).doesNotContain("not-a-key-we-know");
    }

    @Test
    void anOverrideWithoutTheOverrideScopeIsRefusedNotIgnored() {
        Api ci = new Api(port, CI_KEY);

        Api.Reply xml = ci.postXml("/v1/preflight?unsafeReason=OPS-1", LOCAL);
        Api.Reply json = ci.postJson("/v1/preflight", Map.of("domainXml", LOCAL, "unsafe", Map.of("reason", "OPS-1")));

        for (Api.Reply reply : List.of(xml, json)) {
            assertThat(reply.status()).isEqualTo(403);
            assertThat(reply.json().get("type").asString()).isEqualTo(PROBLEM + "override-refused");
            assertThat(reply.json().get("detail").asString()).contains("ci-pipeline", "'override' scope");
        }
        assertThat(new Api(port).postXml("/v1/preflight?unsafeReason=OPS-1", LOCAL).json().get("decision").asString())
                .as("with the scope").isEqualTo("ALLOWED_UNSAFE");
    }

    @Test
    void healthAndMetricsAreOpenAndOtherActuatorEndpointsClosed() {
        Api none = new Api(port, null);

        assertThat(none.get("/actuator/health").status()).isEqualTo(200);
        assertThat(none.get("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(none.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(none.get("/actuator/env").status()).isEqualTo(401);
        assertThat(new Api(port).get("/actuator/env").status()).isEqualTo(403);
        assertThat(new Api(port).get("/actuator/loggers").status()).isEqualTo(403);
    }
}
