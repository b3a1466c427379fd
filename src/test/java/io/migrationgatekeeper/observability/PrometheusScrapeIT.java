package io.migrationgatekeeper.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.testsupport.Api;
import io.migrationgatekeeper.testsupport.RequiresLibvirt;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Prometheus (Debian package) scrapes the service on loopback and loads the shipped alert rules; denied
 * preflights and migrations are then counted through its query API with the dashboard's own denial panel
 * expressions.
 */
@RequiresLibvirt
@AutoConfigureMetrics
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("sample")
class PrometheusScrapeIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path DASHBOARD = Path.of("deploy/grafana/migration-gatekeeper.json");

    @LocalServerPort
    int port;

    private Process prometheus;
    private Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stopPrometheus() throws IOException, InterruptedException {
        if (prometheus != null) {
            prometheus.destroy();
            prometheus.waitFor(20, TimeUnit.SECONDS);
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void deniedPreflightsAndMigrationsShowInTheDashboardsQueries() throws Exception {
        String base = startPrometheus();
        await(base, "up{job=\"gatekeeper\"}", r -> r.size() == 1 && value(r.get(0)) == 1.0);
        assertThat(get(base + "/api/v1/rules").get("data").get("groups").get(0).get("rules")).as("alert rules loaded")
                .hasSize(8);

        Api api = new Api(port);
        String cacheUnsafe = "<domain><name>db</name><devices><disk type='file'><driver cache='writeback'/>"
                + "<source file='/srv/nfs/db.img'/><target dev='vda'/></disk></devices></domain>";
        for (int i = 0; i < 3; i++) {
            assertThat(api.postXml("/v1/preflight", cacheUnsafe).json().get("decision").asString()).isEqualTo("DENIED");
        }
        for (int i = 0; i < 2; i++) {
            // The test driver's domain has a local disk: denied before libvirt is asked to migrate.
            assertThat(api.postJson("/v1/migrations", Map.of("domain", "test", "sourceHost", "kvm-a1",
                    "targetHost", "kvm-b1")).status()).isEqualTo(422);
        }

        // Every reason's series exists from start-up at zero; only CACHE_MODE_UNSAFE rose.
        JsonNode preflight = await(base, panel("Preflight denials by reason"),
                r -> value(sample(r, "reason", "CACHE_MODE_UNSAFE")) >= 3);
        // increase() extrapolates to the window's edges, so with a few seconds of history the panel reads more
        // than 3 (seen: up to 5.2); the raw counter says exactly 3.
        assertThat(value(await(base, "max_over_time(gatekeeper_violations_total{kind=\"preflight\",reason="
                + "\"CACHE_MODE_UNSAFE\"}[5m]) - min_over_time(gatekeeper_violations_total{kind=\"preflight\","
                + "reason=\"CACHE_MODE_UNSAFE\"}[5m])", r -> r.size() == 1 && value(r.get(0)) >= 3).get(0)))
                .isEqualTo(3.0);
        assertThat(value(sample(preflight, "reason", "STORAGE_NOT_SHARED"))).isZero();
        // The host's denial series is born with these two denials: the panel must show both, although increase()
        // alone cannot see a series' first value. Once the series has a few samples, increase()'s extrapolation
        // no longer inflates what it does see.
        assertThat(value(await(base, "sum(gatekeeper_migration_denials_total{source_host=\"kvm-a1\"})",
                r -> r.size() == 1 && value(r.get(0)) == 2.0).get(0))).as("exactly 2").isEqualTo(2.0);
        await(base, "count_over_time(gatekeeper_migration_denials_total{source_host=\"kvm-a1\"}[5m])",
                r -> r.size() == 1 && value(r.get(0)) >= 10);
        JsonNode bySource = await(base, panel("Migration denials by source host"), r -> hostValue(r, "kvm-a1") >= 0);
        assertThat(hostValue(bySource, "kvm-a1")).isBetween(1.9, 2.5);
        assertThat(hostValue(bySource, "kvm-b1")).as("no series for a host without denials").isNaN();
        JsonNode reasons = await(base, panel("Migration denials by reason"),
                r -> value(sample(r, "reason", "STORAGE_NOT_SHARED")) >= 2);
        assertThat(sample(reasons, "reason", "CACHE_MODE_UNSAFE")).isNull();
        assertThat(base).satisfies(b -> everyPanelQueryRuns(b));
    }

    @Test
    void hostsNobodyUsedAreProbedAndTheirDomainsAudited() throws Exception {
        String base = startPrometheus();
        // The sample profile's three hosts are libvirt's test driver: the probe reaches them without any request.
        JsonNode reachable = await(base, panel("libvirt hosts reachable and unreachable"),
                r -> value(r.get(0)) == 3.0);
        assertThat(reachable).hasSize(1);
        assertThat(value(await(base, "count(gatekeeper_libvirt_host_up)", r -> r.size() == 1).get(0))).isEqualTo(3.0);
        // The fleet audit judged the test driver's domain "test" on each host: a local disk, so it cannot move.
        assertThat(value(await(base, panel("Running domains that cannot be live-migrated"),
                r -> r.size() == 1 && value(r.get(0)) == 3.0).get(0))).isEqualTo(3.0);
        assertThat(value(await(base, panel("Running domains that can"), r -> r.size() == 1).get(0))).isZero();
    }

    /** Every query of every panel is one Prometheus accepts. */
    private void everyPanelQueryRuns(String base) {
        try {
            for (JsonNode panel : JSON.readTree(Files.readString(DASHBOARD)).get("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    String query = target.get("expr").asString().replace("$__rate_interval", "1m");
                    JsonNode answer = get(base + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
                    assertThat(answer.get("status").asString()).as(panel.get("title").asString() + ": " + query)
                            .isEqualTo("success");
                }
            }
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The panel's first query, with Grafana's interval variable set to a window covering the whole test. */
    private static String panel(String title) throws IOException {
        for (JsonNode panel : JSON.readTree(Files.readString(DASHBOARD)).get("panels")) {
            if (title.equals(panel.get("title").asString())) {
                return panel.get("targets").get(0).get("expr").asString().replace("$__rate_interval", "5m");
            }
        }
        throw new AssertionError("no panel '" + title + "' in " + DASHBOARD);
    }

    private String startPrometheus() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/prometheus")) || "true".equals(System.getenv("CI")),
                "needs Prometheus (Debian package prometheus)");
        int webPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            webPort = socket.getLocalPort();
        }
        dir = Files.createTempDirectory("gatekeeper-prometheus-");
        Files.copy(Path.of("helm/migration-gatekeeper/files/alerts.yaml"), dir.resolve("alerts.yaml"));
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: [alerts.yaml]
                scrape_configs:
                  - job_name: gatekeeper
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(port));
        prometheus = new ProcessBuilder("/usr/bin/prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + webPort)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        return "http://127.0.0.1:" + webPort;
    }

    private JsonNode await(String base, String query, Predicate<JsonNode> done) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        JsonNode result = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                result = get(base + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8))
                        .get("data").get("result");
                if (done.test(result)) {
                    return result;
                }
            } catch (IOException notYet) {
                // Prometheus is still starting
            }
            Thread.sleep(500);
        }
        throw new AssertionError(query + " never matched; last result " + result + "\n"
                + Files.readString(dir.resolve("prometheus.log")));
    }

    private JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(url + ": " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }

    private static double hostValue(JsonNode result, String source) {
        JsonNode sample = sample(result, "source_host", source);
        return sample == null ? Double.NaN : value(sample);
    }

    private static JsonNode sample(JsonNode result, String label, String value) {
        for (JsonNode sample : result) {
            if (sample.get("metric").has(label) && value.equals(sample.get("metric").get(label).asString())) {
                return sample;
            }
        }
        return null;
    }

    private static double value(JsonNode sample) {
        if (sample == null) {
            return Double.NaN;
        }
        return Double.parseDouble(sample.get("value").get(1).asString());
    }
}
