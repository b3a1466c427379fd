package io.migrationgatekeeper.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.testsupport.Api;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gatekeeper.security.rate-limit.requests-per-second=0.5",
        "gatekeeper.security.rate-limit.burst=3"})
class RateLimitIT {

    @LocalServerPort
    int port;

    @Test
    void aCallerOverTheRateGets429WithRetryAfter() {
        Api api = new Api(port);
        for (int i = 0; i < 3; i++) {
            assertThat(api.get("/v1/policy").status()).as("request %d within the burst", i + 1).isEqualTo(200);
        }

        Api.Reply limited = api.get("/v1/policy");

        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.json().get("type").asString()).isEqualTo("urn:migration-gatekeeper:problem:rate-limited");
        assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 2);
        assertThat(new Api(port, null).get("/actuator/health").status()).as("scrapes are not limited").isEqualTo(200);
    }
}
