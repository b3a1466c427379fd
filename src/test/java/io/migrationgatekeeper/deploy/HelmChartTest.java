package io.migrationgatekeeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The chart, linted and rendered by Helm 3 embedded (helm-java), and the rendered objects checked. */
class HelmChartTest {

    private static final Path CHART = Path.of("helm/migration-gatekeeper");
    private static final UnaryOperator<TemplateCommand> EVERYTHING_ON = t -> t
            .set("database.url", "jdbc:postgresql://postgres:5432/gatekeeper")
            .set("database.existingSecret", "gatekeeper-db")
            .set("apiKeys.existingSecret", "gatekeeper-keys")
            .set("libvirtTls.existingSecret", "gatekeeper-libvirt-pki")
            .set("serviceMonitor.enabled", "true")
            .set("prometheusRule.enabled", "true")
            .set("autoscaling.enabled", "true")
            .set("networkPolicy.enabled", "true");

    @Test
    void lintsCleanly() {
        LintResult lint = new Helm(CHART).lint().strict().call();

        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void defaultsRenderASafeSingleDeployment() {
        List<Map<String, Object>> objects = render(t -> t.set("replicaCount", "1"));

        assertThat(kinds(objects)).containsExactlyInAnyOrder("ConfigMap", "Deployment", "Service", "ServiceAccount",
                "PodDisruptionBudget").doesNotContain("ServiceMonitor", "PrometheusRule");
        Map<String, Object> pod = path(one(objects, "Deployment"), "spec", "template", "spec");
        Map<String, Object> container = first(pod.get("containers"));
        assertThat(path(container, "livenessProbe", "httpGet").get("path")).isEqualTo("/actuator/health/liveness");
        assertThat(path(container, "readinessProbe", "httpGet").get("path")).isEqualTo("/actuator/health/readiness");
        assertThat(path(container, "securityContext")).containsEntry("readOnlyRootFilesystem", true)
                .containsEntry("allowPrivilegeEscalation", false);
        assertThat(path(container, "securityContext", "capabilities").get("drop")).isEqualTo(List.of("ALL"));
        assertThat(path(pod, "securityContext")).containsEntry("runAsNonRoot", true).containsEntry("runAsUser", 10001);
        assertThat(container.get("volumeMounts").toString()).contains("/etc/gatekeeper/config", "/tmp", "/app/data");
        assertThat(path(one(objects, "Deployment"), "spec", "template", "metadata", "annotations"))
                .containsKey("checksum/config");
        String config = (String) path(one(objects, "ConfigMap"), "data").get("application.yaml");
        assertThat(config).contains("gatekeeper:", "enforcement: enforce", "safe-cache-modes:");
    }

    /**
     * The heap and the limit follow the measurement of README "Performance" (a fixed 128 MiB heap inside 512 MiB), and
     * the options keep --enable-native-access, without which the JVM silently skips the image's AOT cache.
     */
    @Test
    void theJvmGetsTheMeasuredHeapAndCanUseTheImagesAotCache() {
        List<Map<String, Object>> objects = render(t -> t.set("replicaCount", "1"));
        Map<String, Object> container = first(path(one(objects, "Deployment"), "spec", "template", "spec")
                .get("containers"));

        String javaOptions = ((List<Map<String, Object>>) container.get("env")).stream()
                .filter(e -> "JAVA_TOOL_OPTIONS".equals(e.get("name"))).map(e -> (String) e.get("value"))
                .findFirst().orElseThrow();
        assertThat(javaOptions.split(" ")).contains("-Xmx128m", "-XX:+UseG1GC", "--enable-native-access=ALL-UNNAMED");
        assertThat(path(container, "resources", "limits")).containsEntry("memory", "512Mi");
        assertThat(path(container, "resources", "requests")).containsEntry("memory", "384Mi");
    }

    @Test
    void everyOptionalFeatureRenders() {
        List<Map<String, Object>> objects = render(EVERYTHING_ON);

        assertThat(kinds(objects)).contains("ServiceMonitor", "PrometheusRule", "HorizontalPodAutoscaler",
                "NetworkPolicy", "PodDisruptionBudget");
        assertThat(path(one(objects, "ServiceMonitor"), "spec").toString()).contains("/actuator/prometheus");
        List<Object> groups = (List<Object>) path(one(objects, "PrometheusRule"), "spec").get("groups");
        assertThat(((Map<String, Object>) groups.get(0)).get("rules").toString())
                .contains("MigrationDenialsRising", "MigrationUnsafeOverride", "MigrationsFailing",
                        "DeclarationConflict", "LibvirtHostUnreachable", "PreflightLatencyHigh");
        Map<String, Object> container = first(path(one(objects, "Deployment"), "spec", "template", "spec").get("containers"));
        assertThat(container.get("env").toString()).contains("SPRING_DATASOURCE_URL", "gatekeeper-db");
        assertThat(container.get("volumeMounts").toString()).contains("/etc/gatekeeper/pki", "/etc/gatekeeper/api-keys")
                .doesNotContain("/app/data");
        assertThat(path(one(objects, "Deployment"), "spec")).doesNotContainKey("replicas");
    }

    @Test
    void severalReplicasWithoutASharedLedgerAreRefused() {
        assertThatThrownBy(() -> render(t -> t.set("replicaCount", "2")))
                .hasMessageContaining("replicaCount > 1 needs database.url");
        assertThat(render(t -> t.set("replicaCount", "3").set("database.url", "jdbc:postgresql://db/gk")))
                .isNotEmpty();
    }

    @Test
    void valuesAreCheckedAgainstTheSchema() {
        assertThatThrownBy(() -> render(t -> t.set("replicaCount", "1").set("service.type", "Wormhole")))
                .hasMessageContaining("service.type");
        assertThatThrownBy(() -> render(t -> t.set("replicaCount", "1").set("database.url", "jdbc:mysql://db/gk")))
                .hasMessageContaining("database.url");
    }

    private static List<Map<String, Object>> render(UnaryOperator<TemplateCommand> values) {
        String manifest = values.apply(new Helm(CHART).template().withName("gk")).call();
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object document : new Yaml().loadAll(manifest)) {
            if (document instanceof Map<?, ?> map) {
                objects.add((Map<String, Object>) map);
            }
        }
        return objects;
    }

    private static List<String> kinds(List<Map<String, Object>> objects) {
        return objects.stream().map(o -> (String) o.get("kind")).toList();
    }

    private static Map<String, Object> one(List<Map<String, Object>> objects, String kind) {
        List<Map<String, Object>> matching = objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
        assertThat(matching).as(kind).hasSize(1);
        return matching.get(0);
    }

    private static Map<String, Object> path(Map<String, Object> object, String... keys) {
        Map<String, Object> current = object;
        for (String key : keys) {
            current = (Map<String, Object>) current.get(key);
            assertThat(current).as(key).isNotNull();
        }
        return current;
    }

    private static Map<String, Object> first(Object list) {
        return (Map<String, Object>) ((List<Object>) list).get(0);
    }
}
