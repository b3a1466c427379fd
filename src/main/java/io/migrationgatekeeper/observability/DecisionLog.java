package io.migrationgatekeeper.observability;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.migrationgatekeeper.problem.JsonString;
import io.migrationgatekeeper.problem.RequestIds;
import org.slf4j.spi.LoggingEventBuilder;
import org.springframework.core.env.Environment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * One JSON line per decision on the logger {@code gatekeeper.decisions}, to be shipped like OPA's decision
 * logs: route that logger to its own appender or filter on it.
 */
@Component
public class DecisionLog {

    private static final Logger log = LoggerFactory.getLogger("gatekeeper.decisions");
    /** The fields of a line, in this order: the components of {@link Entry}. */
    private static final RecordComponent[] FIELDS = Entry.class.getRecordComponents();

    /** A decision as the log line carries it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(
            String decisionId,
            Instant time,
            String kind,
            String principal,
            String clientAddress,
            String sourceHost,
            String targetHost,
            String domainName,
            String domainUuid,
            String decision,
            String ruleDecision,
            String enforcement,
            List<String> reasons,
            String overrideReason,
            String policyRevision) {}

    private final boolean structured;

    DecisionLog(Environment environment) {
        this.structured = environment.getProperty("logging.structured.format.console", "").strip().length() > 0;
    }

    /**
     * The entry, with the request's id: with plain text the message is the entry as one JSON line ({@link #line});
     * with structured logging (ECS, Logstash, GELF) the fields are key-value pairs, top-level fields of the log
     * event, and the message is a short summary. The pairs are read from the record directly (Jackson's
     * convertValue, a serialisation and a parse, cost as much as the rule itself on every preflight), with the
     * values Jackson would write: an {@link Instant} in ISO-8601, nulls left out.
     */
    public void write(Entry entry) {
        if (!log.isInfoEnabled()) {
            return;
        }
        if (!structured) {
            log.info(line(entry, RequestIds.current()));
            return;
        }
        Map<String, Object> fields = new LinkedHashMap<>(32);
        try {
            for (RecordComponent component : FIELDS) {
                Object value = component.getAccessor().invoke(entry);
                if (value != null) {
                    fields.put(component.getName(), value instanceof Instant instant ? instant.toString() : value);
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("a decision log entry's accessor failed", e);
        }
        LoggingEventBuilder event = log.atInfo();
        fields.forEach(event::addKeyValue);
        // The request id is a field of every event of the request already (MDC); the JSON line carries it too.
        String requestId = RequestIds.current();
        if (requestId != null) {
            fields.put("requestId", requestId);
        }
        event.log("decision " + entry.decision() + " on " + entry.kind() + " " + entry.decisionId());
    }

    /**
     * The plain-text line: the entry as Jackson writes it (nulls left out, an {@link Instant} in ISO-8601, Jackson's
     * escapes), then the request id, written straight into one buffer. Jackson's serialisation of a map of the
     * fields was a third of the decision log's cost on every preflight (README "Performance").
     */
    static String line(Entry entry, String requestId) {
        StringBuilder out = new StringBuilder(512).append('{');
        field(out, "decisionId", entry.decisionId());
        field(out, "time", entry.time() == null ? null : entry.time().toString());
        field(out, "kind", entry.kind());
        field(out, "principal", entry.principal());
        field(out, "clientAddress", entry.clientAddress());
        field(out, "sourceHost", entry.sourceHost());
        field(out, "targetHost", entry.targetHost());
        field(out, "domainName", entry.domainName());
        field(out, "domainUuid", entry.domainUuid());
        field(out, "decision", entry.decision());
        field(out, "ruleDecision", entry.ruleDecision());
        field(out, "enforcement", entry.enforcement());
        if (entry.reasons() != null) {
            name(out, "reasons").append('[');
            for (int i = 0; i < entry.reasons().size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                String reason = entry.reasons().get(i);
                if (reason == null) {
                    out.append("null");
                } else {
                    JsonString.append(out, reason);
                }
            }
            out.append(']');
        }
        field(out, "overrideReason", entry.overrideReason());
        field(out, "policyRevision", entry.policyRevision());
        field(out, "requestId", requestId);
        return out.append('}').toString();
    }

    private static void field(StringBuilder out, String name, String value) {
        if (value != null) {
            JsonString.append(name(out, name), value);
        }
    }

    private static StringBuilder name(StringBuilder out, String name) {
        if (out.length() > 1) {
            out.append(',');
        }
        return out.append('"').append(name).append("\":");
    }

    /** The address of the client of the current request, as the servlet container sees it. */
    public static String clientAddress() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            HttpServletRequest request = attributes.getRequest();
            return request.getRemoteAddr();
        }
        return null;
    }
}
