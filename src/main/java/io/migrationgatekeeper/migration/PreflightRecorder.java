package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.policy.Violation;
import io.migrationgatekeeper.policy.UnsafeOverride;
import io.migrationgatekeeper.preflight.PreflightDecided;
import io.migrationgatekeeper.preflight.PreflightService;
import io.migrationgatekeeper.problem.RequestIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * With {@code gatekeeper.ledger.record-preflight: true}, each preflight's decision goes to the ledger under the id
 * the preflight answered with. A preflight never fails because of the ledger: while the ledger is unreachable the
 * record is skipped (the decision log still has it), and the preflight does not wait for a database that is down.
 */
@Component
class PreflightRecorder {

    private static final Logger log = LoggerFactory.getLogger(PreflightRecorder.class);

    private final Ledger ledger;
    private final LedgerHealth health;
    private final boolean enabled;

    PreflightRecorder(Ledger ledger, LedgerHealth health, LedgerProperties properties) {
        this.ledger = ledger;
        this.health = health;
        this.enabled = properties.recordPreflight();
    }

    @EventListener
    void on(PreflightDecided event) {
        if (!enabled) {
            return;
        }
        if (!health.up()) {
            log.debug("preflight {} not recorded: the ledger is unreachable", event.result().decisionId());
            return;
        }
        try {
            ledger.recordPreflight(record(event));
        } catch (RuntimeException e) {
            // LedgerUnavailableException included: LedgerHealth has reported the outage already.
            log.warn("preflight {} not recorded in the ledger: {}", event.result().decisionId(), e.toString());
        }
    }

    static DecisionRecord record(PreflightDecided event) {
        PreflightService.Result r = event.result();
        // Heard synchronously, on the preflight's request thread: its request id is the current one.
        return new DecisionRecord(r.decisionId(), event.decidedAt(), fit(event.requester(), 200),
                RequestIds.accept(RequestIds.current()).orElse(null), fit(r.domain().name(), 255), r.domain().uuid(), r.request().sourceHost(),
                r.request().targetHost(), r.evaluation().decision(), r.evaluation().ruleDecision(),
                r.evaluation().enforcement(), Violation.reasonCodes(r.evaluation().violations()),
                r.request().override().map(UnsafeOverride::reason).orElse(null), r.policyRevision(), null,
                EvaluationRecord.of(r, null, r.evaluation().flags().unsafe()));
    }

    /** The caller's XML may carry a name longer than the ledger's column (libvirt's own names never are). */
    private static String fit(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
