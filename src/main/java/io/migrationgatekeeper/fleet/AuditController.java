package io.migrationgatekeeper.fleet;

import io.migrationgatekeeper.problem.ApiException;
import io.migrationgatekeeper.problem.ProblemType;
import java.time.Duration;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The latest completed fleet audit, whichever replica made it. */
@RestController
class AuditController {

    private final AuditStore store;
    private final AuditProperties properties;

    AuditController(AuditStore store, AuditProperties properties) {
        this.store = store;
        this.properties = properties;
    }

    @GetMapping(path = "/v1/audit", produces = MediaType.APPLICATION_JSON_VALUE)
    AuditSweep latest() {
        if (!properties.enabled()) {
            throw new ApiException(ProblemType.AUDIT_DISABLED, "the fleet audit is off (gatekeeper.audit.enabled: false)");
        }
        return store.latest().orElseThrow(() -> new ApiException(ProblemType.AUDIT_PENDING,
                "the first fleet audit since start-up has not completed yet").retryAfter(Duration.ofSeconds(10)));
    }
}
