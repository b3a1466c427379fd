package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.inventory.HostInventory;
import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.observability.DecisionLog;
import io.migrationgatekeeper.observability.MigrationMetrics;
import io.migrationgatekeeper.policy.Decision;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Hears what the migration feature decides and how its jobs end, and tells the decision log and the metrics: the
 * deciding and running code calls neither.
 */
@Component
class MigrationObserver {

    private final DecisionLog decisionLog;
    private final MigrationMetrics metrics;

    MigrationObserver(DecisionLog decisionLog, MigrationMetrics metrics, Ledger ledger, LedgerHealth health,
            HostInventory inventory) {
        this.decisionLog = decisionLog;
        this.metrics = metrics;
        // One query per state per scrape, not one per host gauge: each query counts every host at once.
        Supplier<Map<String, Integer>> running = recent(() -> ledger.countByHost(JobState.RUNNING), health);
        Supplier<Map<String, Integer>> queued = recent(() -> ledger.countByHost(JobState.QUEUED), health);
        metrics.register(inventory.all().stream().map(InventoryHost::name).toList(),
                host -> running.get().getOrDefault(host, 0), host -> queued.get().getOrDefault(host, 0));
    }

    @EventListener
    void decided(MigrationDecided event) {
        DecisionRecord d = event.decision();
        decisionLog.write(new DecisionLog.Entry(d.id(), d.decidedAt(), "migration", d.requester(), event.clientAddress(),
                d.sourceHost(), d.targetHost(), d.domainName(), d.domainUuid(), d.decision().name(),
                d.ruleDecision().name(), d.enforcement().value(), d.reasons(), d.overrideReason(), d.policyRevision()));
        if (d.decision() == Decision.DENIED) {
            EvaluationRecord e = d.evaluation();
            for (EvaluationRecord.Side side : e.destination() == null ? List.of(e.live()) : List.of(e.live(), e.destination())) {
                side.violations().forEach(v -> metrics.denied(v.reason(), d.sourceHost(), d.targetHost()));
            }
        } else if (d.decision() == Decision.ALLOWED_UNSAFE) {
            metrics.overridden(d.sourceHost(), d.targetHost());
        }
    }

    @EventListener
    void ended(MigrationEnded event) {
        metrics.ended(event.outcome().name(), event.job().sourceHost(), event.job().targetHost(), event.took());
    }

    /**
     * The value {@code query} gave within the last second, or a fresh one; while the ledger is unreachable, the last
     * one known, so a scrape never waits for the database's timeout.
     */
    private static Supplier<Map<String, Integer>> recent(Supplier<Map<String, Integer>> query, LedgerHealth health) {
        AtomicReference<Map.Entry<Long, Map<String, Integer>>> last = new AtomicReference<>();
        return () -> {
            long now = System.nanoTime();
            Map.Entry<Long, Map<String, Integer>> cached = last.get();
            if (cached != null && (now - cached.getKey() < 1_000_000_000L || !health.up())) {
                return cached.getValue();
            }
            try {
                Map<String, Integer> fresh = query.get();
                last.set(Map.entry(now, fresh));
                return fresh;
            } catch (LedgerUnavailableException e) {
                return cached == null ? Map.of() : cached.getValue();
            }
        };
    }
}
