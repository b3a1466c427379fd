package io.migrationgatekeeper.configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.util.unit.DataSize;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The chart's values.schema.json describes the whole {@code gatekeeper} section, derived from the same
 * {@code @ConfigurationProperties} records the start-up check uses, with {@code additionalProperties: false} at
 * every level: a typo fails {@code helm install}, not the pod. A property added to a record and not to the schema
 * fails this test; {@code ./mvnw test -Dtest=ChartSchemaTest -Dchart.schema.write=true} regenerates the section.
 * And the chart's defaults render, and what they render is a configuration the service accepts.
 */
class ChartSchemaTest {

    private static final Path CHART = Path.of("helm/migration-gatekeeper");
    private static final Path SCHEMA = CHART.resolve("values.schema.json");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Test
    void theSchemasGatekeeperSectionMatchesTheConfigurationRecords() throws IOException {
        ObjectNode file = (ObjectNode) JSON.readTree(Files.readString(SCHEMA));
        ObjectNode expected = schema(ConfigurationTypes.known().root());
        expected.put("description", "The service's gatekeeper.* properties (README: Configuration), generated from its"
                + " @ConfigurationProperties records; the service checks them again at start-up.");
        if (Boolean.getBoolean("chart.schema.write")) {
            ((ObjectNode) file.get("properties")).set("gatekeeper", expected);
            Files.writeString(SCHEMA, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(file) + "\n");
        }

        assertThat(skeleton(file.get("properties").get("gatekeeper")))
                .as("values.schema.json 'gatekeeper' against the @ConfigurationProperties records; regenerate with"
                        + " ./mvnw test -Dtest=ChartSchemaTest -Dchart.schema.write=true")
                .isEqualTo(skeleton(expected));
    }

    @Test
    void defaultValuesRenderWithoutAnySetting() {
        String manifest = new Helm(CHART).template().withName("gk").call();

        assertThat(manifest).contains("kind: Deployment", "replicas: 1", "terminationGracePeriodSeconds: 45",
                "enableServiceLinks: false");
    }

    @Test
    void whatTheDefaultsRenderIsAConfigurationTheServiceAccepts() throws IOException {
        String manifest = new Helm(CHART).template().withName("gk").call();
        String applicationYaml = null;
        for (Object document : new Yaml().loadAll(manifest)) {
            if (document instanceof Map<?, ?> map && "ConfigMap".equals(map.get("kind"))) {
                applicationYaml = (String) ((Map<?, ?>) map.get("data")).get("application.yaml");
            }
        }
        assertThat(applicationYaml).isNotNull();
        StandardEnvironment environment = new StandardEnvironment();
        new YamlPropertySourceLoader().load("chart", new ByteArrayResource(applicationYaml.getBytes()))
                .forEach(environment.getPropertySources()::addFirst);

        StrictConfiguration.check(ConfigurationTypes.known(), environment);
        Duration shutdown = Duration.parse("PT" + environment.getProperty("gatekeeper.shutdown.timeout").toUpperCase());
        assertThat(shutdown.plusSeconds(10)).as("shutdown bound plus a margin fits terminationGracePeriodSeconds")
                .isLessThanOrEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void aMisspeltKeyOrAUnitlessDurationFailsTheInstall() {
        assertThatThrownBy(() -> new Helm(CHART).template().withName("gk").set("gatekeeper.policy.enforcment", "warn")
                .call()).hasMessageContaining("enforcment");
        assertThatThrownBy(() -> new Helm(CHART).template().withName("gk").set("gatekeeper.hosts.kvm1.urii", "x")
                .call()).hasMessageContaining("urii");
        assertThatThrownBy(() -> new Helm(CHART).template().withName("gk").set("gatekeeper.libvirt.call-timeout", "30")
                .call()).hasMessageContaining("call-timeout");
        assertThatThrownBy(() -> new Helm(CHART).template().withName("gk").set("gatekeeper.shutdown.timeout", "50s")
                .call()).hasMessageContaining("terminationGracePeriodSeconds");
        assertThat(new Helm(CHART).template().withName("gk").set("gatekeeper.hosts.kvm1.uri", "qemu+ssh://kvm1/system")
                .set("gatekeeper.hosts.kvm1.qemu-drop-cache", "auto").set("gatekeeper.policy.enforcement", "warn").call())
                .contains("qemu+ssh://kvm1/system");
    }

    // --- the schema a tree of known properties stands for

    static ObjectNode schema(KnownProperties.Node node) {
        ObjectNode schema = NODES.objectNode();
        switch (node.kind()) {
            case GROUP -> {
                schema.put("type", "object");
                schema.put("additionalProperties", false);
                ObjectNode properties = schema.putObject("properties");
                node.children().forEach((name, child) -> properties.set(name, schema(child)));
            }
            case MAP -> {
                schema.put("type", "object");
                schema.set("additionalProperties", schema(node.element()));
            }
            case LIST -> {
                schema.put("type", "array");
                schema.set("items", schema(node.element()));
            }
            case VALUE_LIST -> {
                schema.put("type", "array");
                schema.set("items", value(node.type()));
            }
            case VALUE_MAP -> {
                schema.put("type", "object");
                schema.set("additionalProperties", value(node.type()));
            }
            case VALUE -> schema.setAll(value(node.type()));
        }
        return schema;
    }

    private static ObjectNode value(Class<?> type) {
        ObjectNode schema = NODES.objectNode();
        if (type == boolean.class || type == Boolean.class) {
            schema.put("type", "boolean");
        } else if (type == int.class || type == long.class || type == Integer.class || type == Long.class) {
            schema.put("type", "integer");
        } else if (type == double.class || type == float.class || type == Double.class || type == Float.class) {
            schema.put("type", "number");
        } else if (type.isEnum()) {
            ArrayNode values = schema.putArray("enum");
            for (Object constant : type.getEnumConstants()) {
                String name = ((Enum<?>) constant).name();
                if (name.equals("TRUE") || name.equals("FALSE")) {
                    values.add(Boolean.parseBoolean(name)); // YAML's true is a boolean
                }
                values.add(name.toLowerCase(Locale.ROOT).replace('_', '-'));
            }
        } else if (type == Duration.class) {
            schema.put("type", "string");
            schema.put("pattern", "^([0-9]+(ns|us|ms|s|m|h|d)|P[0-9A-Za-z.]+)$");
        } else if (type == DataSize.class) {
            ArrayNode types = schema.putArray("type");
            types.add("string");
            types.add("integer");
        } else {
            schema.put("type", "string");
        }
        return schema;
    }

    /** What the comparison looks at: names, types, enums, nesting; not descriptions, patterns or bounds. */
    static Object skeleton(JsonNode schema) {
        if (schema == null || schema.isBoolean()) {
            return schema == null ? "(none)" : schema.asBoolean();
        }
        Map<String, Object> out = new TreeMap<>();
        JsonNode type = schema.get("type");
        if (type != null) {
            TreeSet<String> types = new TreeSet<>();
            if (type.isArray()) {
                type.forEach(t -> types.add(t.asString()));
            } else {
                types.add(type.asString());
            }
            out.put("type", types);
        }
        if (schema.has("enum")) {
            TreeSet<String> values = new TreeSet<>();
            schema.get("enum").forEach(v -> values.add(KnownProperties.uniform(v.asString(v.toString()))));
            out.put("enum", values);
        }
        if (schema.has("properties")) {
            Map<String, Object> properties = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = schema.get("properties").properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> property = it.next();
                properties.put(property.getKey(), skeleton(property.getValue()));
            }
            out.put("properties", properties);
        }
        if (schema.has("additionalProperties")) {
            out.put("additionalProperties", skeleton(schema.get("additionalProperties")));
        }
        if (schema.has("items")) {
            out.put("items", skeleton(schema.get("items")));
        }
        return out;
    }

}
