package io.migrationgatekeeper.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.KeyValuePair;
import org.springframework.mock.env.MockEnvironment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The decision log line is the entry exactly as Jackson writes it, plus the request id, whether it is built by
 * Jackson or, as on the hot path, field by field from the record; structured logging gets the same fields as
 * key-value pairs.
 */
class DecisionLogTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private final Logger logger = (Logger) LoggerFactory.getLogger("gatekeeper.decisions");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private final DecisionLog.Entry entry = new DecisionLog.Entry("d-1", Instant.parse("2026-11-26T01:02:03.000456789Z"),
            "preflight", "ci-pipeline", "10.0.0.7", "kvm-a1", "kvm-a2", "web01", null, "DENIED", "DENIED", "enforce",
            List.of("STORAGE_NOT_SHARED", "CACHE_MODE_UNSAFE"), null, "0123456789abcdef");

    @BeforeEach
    void capture() {
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
        MDC.clear();
    }

    @Test
    void thePlainLineIsTheEntryAsJacksonWritesItWithTheRequestIdLast() {
        MDC.put("requestId", "req-42");

        new DecisionLog(new MockEnvironment()).write(entry);

        ObjectNode expected = (ObjectNode) json.valueToTree(entry);
        expected.put("requestId", "req-42");
        JsonNode line = json.readTree(appender.list.get(0).getFormattedMessage());
        assertThat(line).isEqualTo(expected);
        assertThat(names(line)).containsExactlyElementsOf(names(expected));
        assertThat(line.get("time").asString()).isEqualTo("2026-11-26T01:02:03.000456789Z");
        assertThat(line.has("domainUuid")).isFalse();
    }

    @Test
    void structuredLoggingGetsTheFieldsAsKeyValuePairsAndASummary() {
        MockEnvironment environment = new MockEnvironment().withProperty("logging.structured.format.console", "ecs");

        new DecisionLog(environment).write(entry);

        ILoggingEvent event = appender.list.get(0);
        assertThat(event.getFormattedMessage()).isEqualTo("decision DENIED on preflight d-1");
        Map<String, Object> pairs = new LinkedHashMap<>();
        for (KeyValuePair pair : event.getKeyValuePairs()) {
            pairs.put(pair.key, pair.value);
        }
        assertThat(pairs.keySet()).containsExactly("decisionId", "time", "kind", "principal", "clientAddress",
                "sourceHost", "targetHost", "domainName", "decision", "ruleDecision", "enforcement", "reasons",
                "policyRevision");
        assertThat(pairs).containsEntry("time", "2026-11-26T01:02:03.000456789Z")
                .containsEntry("reasons", List.of("STORAGE_NOT_SHARED", "CACHE_MODE_UNSAFE"));
    }

    /**
     * The plain line is written by hand, not by Jackson: byte for byte what Jackson writes for the entry and the
     * request id, for every field filled, every field empty, and every UTF-16 code unit in a value (escapes,
     * controls, DEL, non-ASCII, lone surrogates). A field added to the entry and not to the line fails here.
     */
    @Test
    void thePlainLineIsByteForByteWhatJacksonWrites() {
        StringBuilder every = new StringBuilder();
        for (char c = 0; c < 0xFFFF; c++) {
            every.append(c);
        }
        String all = every.toString();
        List<DecisionLog.Entry> entries = List.of(entry,
                new DecisionLog.Entry(all, Instant.EPOCH, all, all, all, all, all, all, all, all, all, all,
                        List.of(all, "", "\"\\"), all, all),
                new DecisionLog.Entry(null, null, null, null, null, null, null, null, null, null, null, null, null,
                        null, null),
                new DecisionLog.Entry("d", Instant.parse("2026-01-01T00:00:00Z"), "migration", "p", null, "a", "b",
                        "n", "u", "APPROVED", "APPROVED", "warn", List.of(), "why", "r"));
        for (String requestId : new String[] {null, "req-1", all}) {
            for (DecisionLog.Entry e : entries) {
                Map<String, Object> fields = new LinkedHashMap<>(json.convertValue(e, Map.class));
                if (requestId != null) {
                    fields.put("requestId", requestId);
                }
                assertThat(DecisionLog.line(e, requestId)).isEqualTo(json.writeValueAsString(fields));
            }
        }
        for (java.lang.reflect.RecordComponent component : DecisionLog.Entry.class.getRecordComponents()) {
            assertThat(DecisionLog.line(entries.get(1), null)).contains("\"" + component.getName() + "\":");
        }
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.propertyNames().forEach(names::add);
        return names;
    }
}
