package io.migrationgatekeeper.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.migrationgatekeeper.policy.Decision;
import io.migrationgatekeeper.policy.Enforcement;
import io.migrationgatekeeper.policy.Evaluation;
import io.migrationgatekeeper.policy.ReasonCode;
import io.migrationgatekeeper.policy.Verdict;
import io.migrationgatekeeper.policy.Violation;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * {@code gatekeeper_decisions_total{kind,decision,enforcement}}: {@code decision} is the rule's own decision,
 * so a {@code DENIED} under {@code enforcement="warn"} is a would-deny that was let through.
 * {@code gatekeeper_violations_total{kind,reason}}: one per unsafe or blocked disk.
 * {@code gatekeeper_evaluation_seconds{kind}}: parsing plus rule, as a histogram for percentiles.
 */
@Component
public class DecisionMetrics {

    /** What was decided: a preflight, or a migration request. */
    public enum Kind {
        PREFLIGHT,
        MIGRATION;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Every meter a decision can touch, registered once: a lookup per decision costs more than the rule itself. */
    private record Meters(Map<Decision, Map<Enforcement, Counter>> decisions, Map<ReasonCode, Counter> violations,
            Timer evaluation) {}

    private final MeterRegistry registry;
    private final Map<Kind, Meters> meters = new EnumMap<>(Kind.class);

    DecisionMetrics(MeterRegistry registry) {
        this.registry = registry;
        // Series that exist at zero make rate() and absent-series alerts behave from the first scrape.
        for (Kind kind : Kind.values()) {
            Map<Decision, Map<Enforcement, Counter>> decisions = new EnumMap<>(Decision.class);
            for (Decision decision : Decision.values()) {
                Map<Enforcement, Counter> byEnforcement = new EnumMap<>(Enforcement.class);
                for (Enforcement enforcement : Enforcement.values()) {
                    byEnforcement.put(enforcement, decisions(kind, decision, enforcement));
                }
                decisions.put(decision, byEnforcement);
            }
            Map<ReasonCode, Counter> violations = new EnumMap<>(ReasonCode.class);
            for (ReasonCode reason : ReasonCode.values()) {
                if (reason.verdict() != Verdict.SAFE) {
                    violations.put(reason, violations(kind, reason));
                }
            }
            meters.put(kind, new Meters(decisions, violations, timer(kind)));
        }
    }

    public void record(Kind kind, Evaluation evaluation, Duration elapsed) {
        Meters m = meters.get(kind);
        m.decisions().get(evaluation.ruleDecision()).get(evaluation.enforcement()).increment();
        for (Violation violation : evaluation.violations()) {
            m.violations().get(violation.reason()).increment();
        }
        m.evaluation().record(elapsed);
    }

    private Counter decisions(Kind kind, Decision decision, Enforcement enforcement) {
        return Counter.builder("gatekeeper.decisions")
                .description("Migration safety decisions; decision is the rule's, enforcement says whether it held")
                .tag("kind", kind.tag())
                .tag("decision", decision.name())
                .tag("enforcement", enforcement.value())
                .register(registry);
    }

    private Counter violations(Kind kind, ReasonCode reason) {
        return Counter.builder("gatekeeper.violations")
                .description("Unsafe or blocked disks found, by reason code")
                .tag("kind", kind.tag())
                .tag("reason", reason.name())
                .register(registry);
    }

    private Timer timer(Kind kind) {
        return Timer.builder("gatekeeper.evaluation")
                .description("Time to parse a domain XML and apply the rule")
                .tag("kind", kind.tag())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(1))
                .register(registry);
    }
}
