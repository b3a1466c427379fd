package io.migrationgatekeeper.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.testsupport.Api;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/** Spring Boot's tests switch metrics export off unless asked; this test is about what Prometheus scrapes. */
@AutoConfigureMetrics
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("sample")
class ObservabilityIT {

    private static final String DENIED_DOMAIN = "<domain><name>db1</name><devices>"
            + "<disk type='file'><driver cache='writeback'/><source file='/srv/nfs/db1.img'/><target dev='vda'/></disk>"
            + "<disk type='file'><driver cache='none'/><source file='/var/lib/libvirt/images/db1.img'/><target dev='vdb'/></disk>"
            + "</devices></domain>";

    @LocalServerPort
    int port;

    Api api;

    @BeforeEach
    void client() {
        api = new Api(port);
    }

    @Test
    void eachDecisionIsCountedWithItsViolationsAndTimed() {
        String before = scrape();

        assertThat(api.postXml("/v1/preflight?sourceHost=kvm-a1&targetHost=kvm-b1", DENIED_DOMAIN).status()).isEqualTo(200);
        String after = scrape();

        assertThat(delta(before, after, "gatekeeper_decisions_total",
                "decision=\"DENIED\",enforcement=\"enforce\",kind=\"preflight\"")).isEqualTo(1.0);
        assertThat(delta(before, after, "gatekeeper_decisions_total",
                "decision=\"ALLOWED\",enforcement=\"enforce\",kind=\"preflight\"")).isZero();
        assertThat(delta(before, after, "gatekeeper_violations_total", "kind=\"preflight\",reason=\"CACHE_MODE_UNSAFE\""))
                .isEqualTo(1.0);
        assertThat(delta(before, after, "gatekeeper_violations_total", "kind=\"preflight\",reason=\"STORAGE_NOT_SHARED\""))
                .isEqualTo(1.0);
        assertThat(delta(before, after, "gatekeeper_evaluation_seconds_count", "kind=\"preflight\"")).isEqualTo(1.0);
        assertThat(after).contains("gatekeeper_evaluation_seconds_bucket{");
    }

    /**
     * Issue 14: every storage declaration a host can contradict has its conflict counter at zero from start-up, so
     * the first conflict shows in increase(): the sample's filesystems of types libvirt recognises and its pools. A
     * type libvirt does not know ({@code moosefs}) is never checked by libvirt, so it can never be contradicted; and
     * no series is created per host.
     */
    @Test
    void everyDeclarationAHostCanContradictIsCountedFromZero() {
        String scrape = scrape();

        for (String declaration : java.util.List.of("/srv/gfs2", "/srv/nfs", "/srv/gpfs", "/srv/scoped", "/srv/nfs/gfs2-inside",
                "/srv/gfs2/nfs-export", "pool:ceph-vms", "pool:gfs2-pool", "pool:local-lvm", "pool:cluster-b-pool")) {
            assertThat(value(scrape, "gatekeeper_declaration_conflicts_total", "declaration=\"" + declaration + "\""))
                    .as(declaration).isZero();
        }
        assertThat(scrape).doesNotContain("declaration=\"/srv/moose").doesNotContain("declaration=\"qemu-drop-cache:");
    }

    @Test
    void healthGroupsAreServedAndNothingElseIsExposed() {
        assertThat(api.get("/actuator/health").body()).contains("\"UP\"");
        assertThat(api.get("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(api.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(api.get("/actuator/env").status()).isEqualTo(403);
        assertThat(api.get("/actuator/beans").status()).isEqualTo(403);
    }

    private String scrape() {
        Api.Reply reply = api.get("/actuator/prometheus");
        assertThat(reply.status()).isEqualTo(200);
        return reply.body();
    }

    private static double delta(String before, String after, String metric, String labels) {
        return value(after, metric, labels) - value(before, metric, labels);
    }

    /** The sample's value; {@code labels} are the series' labels other than {@code application}, in order. */
    private static double value(String exposition, String metric, String labels) {
        Matcher m = Pattern.compile("^" + Pattern.quote(metric) + "\\{application=\"migration-gatekeeper\","
                + Pattern.quote(labels) + "} (\\S+)$", Pattern.MULTILINE).matcher(exposition);
        assertThat(m.find()).as("%s{%s} in the scrape", metric, labels).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
