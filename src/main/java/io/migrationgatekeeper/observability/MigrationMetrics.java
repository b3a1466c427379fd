package io.migrationgatekeeper.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.ToIntFunction;
import org.springframework.stereotype.Component;

/**
 * Migration metrics. Host labels are inventory names only, so their values stay bounded.
 * <ul>
 *   <li>{@code gatekeeper_migrations_total{outcome,source_host,target_host}}: ended jobs</li>
 *   <li>{@code gatekeeper_migration_duration_seconds{outcome}}: from start to end, as a histogram</li>
 *   <li>{@code gatekeeper_migration_denials_total{reason,source_host,target_host}}: one per violation of a denied request</li>
 *   <li>{@code gatekeeper_migration_overrides_total{source_host,target_host}}: approvals that needed the override</li>
 *   <li>{@code gatekeeper_migrations_active{source_host}}, {@code gatekeeper_migrations_queued{source_host}}: fleet-wide,
 *   from the shared ledger</li>
 * </ul>
 */
@Component
public class MigrationMetrics {

    private final MeterRegistry registry;

    MigrationMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void ended(String outcome, String sourceHost, String targetHost, Duration duration) {
        outcomes(outcome, sourceHost, targetHost).increment();
        if (duration != null) {
            Timer.builder("gatekeeper.migration.duration").description("Migration job run time, start to end")
                    .tag("outcome", outcome)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(100))
                    .maximumExpectedValue(Duration.ofHours(2))
                    .register(registry).record(duration);
        }
    }

    /** An approval that needed the unsafe override: who and why are in the decision log and the ledger. */
    public void overridden(String sourceHost, String targetHost) {
        overrides(sourceHost, targetHost).increment();
    }

    public void denied(String reason, String sourceHost, String targetHost) {
        denials(reason, sourceHost, targetHost).increment();
    }

    private Counter outcomes(String outcome, String sourceHost, String targetHost) {
        return Counter.builder("gatekeeper.migrations").description("Migration jobs that ended, by outcome")
                .tag("outcome", outcome).tag("source_host", sourceHost).tag("target_host", targetHost)
                .register(registry);
    }

    private Counter overrides(String sourceHost, String targetHost) {
        return Counter.builder("gatekeeper.migration.overrides").description("Migrations approved with an unsafe override")
                .tag("source_host", sourceHost).tag("target_host", targetHost)
                .register(registry);
    }

    private Counter denials(String reason, String sourceHost, String targetHost) {
        return Counter.builder("gatekeeper.migration.denials").description("Denied migration requests, one per violation")
                .tag("reason", reason).tag("source_host", sourceHost).tag("target_host", targetHost)
                .register(registry);
    }

    /**
     * Gauges per inventory host, read from {@code active} and {@code queued} (the ledger) at each scrape, and every
     * host pair's counters at zero: a series born with its first increment hides that increment from increase()
     * and rate(), so a dashboard would miss the first denial of every pair. That costs 7 series per ordered host
     * pair (3 denial reasons, 3 outcomes, 1 override count).
     */
    public void register(Collection<String> hosts, ToIntFunction<String> active, ToIntFunction<String> queued) {
        for (String source : hosts) {
            for (String target : hosts) {
                if (source.equals(target)) {
                    continue;
                }
                for (String reason : List.of("TRANSIENT_DISK", "STORAGE_NOT_SHARED", "CACHE_MODE_UNSAFE")) {
                    denials(reason, source, target);
                }
                for (String outcome : List.of("SUCCEEDED", "FAILED", "CANCELLED")) {
                    outcomes(outcome, source, target);
                }
                overrides(source, target);
            }
        }
        for (String host : hosts) {
            Gauge.builder("gatekeeper.migrations.active", host, active::applyAsInt)
                    .description("Migrations running from the source host, across all replicas")
                    .tag("source_host", host).register(registry);
            Gauge.builder("gatekeeper.migrations.queued", host, queued::applyAsInt)
                    .description("Migrations waiting for the source host's outbound slot")
                    .tag("source_host", host).register(registry);
        }
    }
}
