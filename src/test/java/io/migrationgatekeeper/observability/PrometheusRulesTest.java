package io.migrationgatekeeper.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shipped alerting rules, checked and unit-tested by Prometheus's own promtool (Debian package prometheus). */
class PrometheusRulesTest {

    private static final Path RULES = Path.of("deploy/prometheus");

    @BeforeAll
    static void promtool() {
        if (!Files.isExecutable(Path.of("/usr/bin/promtool"))) {
            String reason = "needs promtool (Debian package prometheus; .ci/run installs it)";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true and the alert rules cannot be tested: " + reason);
            }
            Assumptions.abort(reason);
        }
    }

    @Test
    void rulesAreValid() throws Exception {
        assertThat(promtool("check", "rules", "../../helm/migration-gatekeeper/files/alerts.yaml"))
                .contains("SUCCESS: 8 rules found");
    }

    @Test
    void alertsFireWhenTheyShouldAndOnlyThen() throws Exception {
        assertThat(promtool("test", "rules", "alerts_test.yaml")).contains("SUCCESS");
    }

    private static String promtool(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/promtool"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(RULES.toFile()).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
