package io.migrationgatekeeper.configuration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shipped {@code spring-configuration-metadata.json} documents every property the service binds, each with
 * a description, so IDEs complete and explain them; and it agrees with the names the start-up check knows.
 */
class ConfigurationMetadataTest {

    @Test
    void everyBoundPropertyIsInTheMetadataWithADescription() throws IOException {
        Map<String, JsonNode> metadata = metadata();
        List<String> bound = new ArrayList<>();
        topLevel(ConfigurationTypes.known().root(), "gatekeeper", bound);

        assertThat(metadata.keySet()).containsExactlyInAnyOrderElementsOf(bound);
        assertThat(metadata.values()).allSatisfy(property -> assertThat(property.path("description").asString(""))
                .as("description of %s (a @param line in the record's javadoc)", property.get("name").asString())
                .isNotBlank());
    }

    @Test
    void nearestKnownKeyIsFoundByEditDistance() {
        assertThat(KnownProperties.levenshtein("enforcment", "enforcement")).isEqualTo(1);
        assertThat(KnownProperties.levenshtein("", "abc")).isEqualTo(3);
        assertThat(ConfigurationTypes.known().leaves()).contains("gatekeeper.hosts.<name>.uri",
                "gatekeeper.policy.filesystems[0].path", "gatekeeper.hosts.<name>.labels.<key>",
                "gatekeeper.security.api-keys[0].sha256", "gatekeeper.policy.safe-cache-modes");
    }

    /** The names the metadata processor writes: a record's components, not a map's or a list's elements. */
    private static void topLevel(KnownProperties.Node node, String path, List<String> out) {
        if (node.kind() != KnownProperties.Kind.GROUP) {
            out.add(path);
            return;
        }
        node.children().values().forEach(child -> topLevel(child, path + "." + child.name(), out));
    }

    private static Map<String, JsonNode> metadata() throws IOException {
        Map<String, JsonNode> properties = new TreeMap<>();
        for (URL url : Collections.list(ConfigurationMetadataTest.class.getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
            try (InputStream in = url.openStream()) {
                for (JsonNode property : JsonMapper.builder().build().readTree(in).path("properties")) {
                    String name = property.get("name").asString();
                    if (name.startsWith("gatekeeper.")) {
                        properties.put(name, property);
                    }
                }
            }
        }
        return properties;
    }
}
