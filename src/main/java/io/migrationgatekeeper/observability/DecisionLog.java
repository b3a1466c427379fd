package io.migrationgatekeeper.observability;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import tools.jackson.databind.json.JsonMapper;

/**
 * One JSON line per decision on the logger {@code gatekeeper.decisions}, to be shipped like OPA's decision
 * logs: route that logger to its own appender or filter on it.
 */
@Component
public class DecisionLog {

    private static final Logger log = LoggerFactory.getLogger("gatekeeper.decisions");

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

    private final JsonMapper json;

    DecisionLog(JsonMapper json) {
        this.json = json;
    }

    public void write(Entry entry) {
        log.info(json.writeValueAsString(entry));
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
