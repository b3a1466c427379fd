package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.problem.ProblemAdvice;
import io.migrationgatekeeper.problem.ProblemType;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The migration feature's web layer for its own refusals: its domain exceptions become problems here. */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class MigrationProblems {

    /** How soon a caller may retry after the ledger could not be reached. */
    static final Duration LEDGER_RETRY_AFTER = Duration.ofSeconds(5);

    @ExceptionHandler(MigrationException.class)
    ResponseEntity<Object> refused(MigrationException e, HttpServletRequest request) {
        ProblemType type = switch (e.reason()) {
            case CONFLICT -> ProblemType.MIGRATION_CONFLICT;
            case NOT_FOUND -> ProblemType.MIGRATION_NOT_FOUND;
            case ENDED -> ProblemType.MIGRATION_ENDED;
            case NOT_YOURS -> ProblemType.FORBIDDEN;
            case KEY_REUSED -> ProblemType.IDEMPOTENCY_KEY_REUSED;
            case KEY_IN_FLIGHT -> ProblemType.IDEMPOTENCY_KEY_IN_FLIGHT;
            case DRAIN_NOT_FOUND -> ProblemType.DRAIN_NOT_FOUND;
            case DRAIN_ENDED -> ProblemType.DRAIN_ENDED;
        };
        ResponseEntity<Object> problem = ProblemAdvice.problem(type, e.getMessage(), e.details(), request);
        return e.reason() == MigrationException.Reason.KEY_IN_FLIGHT
                ? ProblemAdvice.withRetryAfter(problem, Duration.ofSeconds(1)) : problem;
    }

    @ExceptionHandler(LedgerUnavailableException.class)
    ResponseEntity<Object> ledgerUnavailable(LedgerUnavailableException e, HttpServletRequest request) {
        return ProblemAdvice.withRetryAfter(ProblemAdvice.problem(ProblemType.LEDGER_UNAVAILABLE,
                "the migration ledger cannot be reached; nothing was decided or changed. Retry later.", Map.of(), request),
                LEDGER_RETRY_AFTER);
    }
}
