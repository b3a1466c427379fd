package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.observability.DecisionLog;
import io.migrationgatekeeper.observability.FleetLease;
import io.migrationgatekeeper.observability.MigrationMetrics;
import io.migrationgatekeeper.policy.Decision;
import io.migrationgatekeeper.policy.Declaration;
import io.migrationgatekeeper.policyconfig.EffectivePolicy;
import java.util.List;
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

    MigrationObserver(DecisionLog decisionLog, MigrationMetrics metrics, Ledger ledger, FleetLease lease,
            EffectivePolicy policy) {
        this.decisionLog = decisionLog;
        this.metrics = metrics;
        // Fleet-wide numbers from the shared ledger: one query per state per lease tick, by the lease holder only.
        metrics.watchJobs(lease, () -> ledger.countByHost(JobState.RUNNING), () -> ledger.countByHost(JobState.QUEUED));
        // A handful of series, bounded by the policy; a host's drop-cache series (one per host, in a fleet of
        // hundreds) is born with its first conflict instead, which the DeclarationConflict alert counts too.
        metrics.registerDeclarations(policy.policy().contradictable().stream().map(Declaration::label).distinct()
                .toList());
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
                side.violations().forEach(v -> metrics.denied(v.reason(), d.sourceHost()));
            }
        } else if (d.decision() == Decision.ALLOWED_UNSAFE) {
            metrics.overridden(d.sourceHost());
        }
    }

    @EventListener
    void contradicted(DeclarationsContradicted event) {
        event.conflicts().stream().map(c -> c.declaration().label()).distinct().forEach(metrics::declarationConflict);
    }

    @EventListener
    void ended(MigrationEnded event) {
        metrics.ended(event.outcome().name(), event.job().sourceHost(), event.took());
    }

}
