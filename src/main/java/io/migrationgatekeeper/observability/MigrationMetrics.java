package io.migrationgatekeeper.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Migration metrics, sized for a fleet: no series per host pair, and no host series created in advance.
 * <ul>
 *   <li>{@code gatekeeper_migrations_total{outcome,source_host}}: ended jobs</li>
 *   <li>{@code gatekeeper_migration_duration_seconds{outcome}}: from start to end, as a histogram</li>
 *   <li>{@code gatekeeper_migration_denials_total{reason,source_host}}: one per violation of a denied request</li>
 *   <li>{@code gatekeeper_migration_overrides_total{source_host}}: approvals that needed the override</li>
 *   <li>{@code gatekeeper_declaration_conflicts_total{declaration}}: libvirt refused a migration the gatekeeper
 *   predicted it would accept, contradicting this declaration (a filesystem path, {@code pool:<name>},
 *   {@code qemu-drop-cache:<host>}: values from the configuration only)</li>
 *   <li>{@code gatekeeper_migrations_active{source_host}}, {@code gatekeeper_migrations_queued{source_host}}: read
 *   from the shared ledger by the replica holding the {@link FleetLease}, for source hosts with jobs</li>
 * </ul>
 * A host's counter is born with its first increment; the shipped alert and dashboard queries add a new series'
 * first value to {@code increase()}, which cannot see it. The target host of a migration is in the ledger and the
 * decision log: as a label it would make up to one series per ordered host pair.
 */
@Component
public class MigrationMetrics {

    private static final Logger log = LoggerFactory.getLogger(MigrationMetrics.class);
    private static final List<String> OUTCOMES = List.of("SUCCEEDED", "FAILED", "CANCELLED");

    private final MeterRegistry registry;
    private final MultiGauge active;
    private final MultiGauge queued;

    MigrationMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.active = MultiGauge.builder("gatekeeper.migrations.active")
                .description("Migrations running from the source host, across all replicas").register(registry);
        this.queued = MultiGauge.builder("gatekeeper.migrations.queued")
                .description("Migrations waiting for the source host's outbound slot, across all replicas").register(registry);
        OUTCOMES.forEach(this::duration);
    }

    public void ended(String outcome, String sourceHost, Duration duration) {
        Counter.builder("gatekeeper.migrations").description("Migration jobs that ended, by outcome and source host")
                .tag("outcome", outcome).tag("source_host", sourceHost)
                .register(registry).increment();
        if (duration != null) {
            duration(outcome).record(duration);
        }
    }

    /** An approval that needed the unsafe override: who, why and where to are in the decision log and the ledger. */
    public void overridden(String sourceHost) {
        Counter.builder("gatekeeper.migration.overrides").description("Migrations approved with an unsafe override")
                .tag("source_host", sourceHost)
                .register(registry).increment();
    }

    public void denied(String reason, String sourceHost) {
        Counter.builder("gatekeeper.migration.denials").description("Denied migration requests, one per violation")
                .tag("reason", reason).tag("source_host", sourceHost)
                .register(registry).increment();
    }

    /** A host contradicted a declaration: libvirt's own check refused where the gatekeeper predicted it would pass. */
    public void declarationConflict(String declaration) {
        conflicts(declaration).increment();
    }

    /**
     * The policy's declarations a host can contradict, at zero, so their first conflict shows in increase() and
     * rate(): one series per filesystem path of a type libvirt recognises and per declared pool.
     */
    public void registerDeclarations(Collection<String> declarations) {
        declarations.forEach(this::conflicts);
    }

    private Counter conflicts(String declaration) {
        return Counter.builder("gatekeeper.declaration.conflicts")
                .description("Migrations libvirt refused although the gatekeeper predicted its check would pass,"
                        + " by the declaration the host contradicts")
                .tag("declaration", declaration)
                .register(registry);
    }

    /**
     * Keeps the active and queued gauges current from {@code running} and {@code waiting} (ledger counts by source
     * host), refreshed at every tick of the fleet lease while this replica holds it, and empty while it does not:
     * a scrape never waits on the database, and only one replica reports these fleet-wide numbers.
     */
    public void watchJobs(FleetLease lease, Supplier<Map<String, Integer>> running, Supplier<Map<String, Integer>> waiting) {
        lease.onTick(held -> {
            if (!held) {
                active.register(List.of(), true);
                queued.register(List.of(), true);
                return;
            }
            try {
                active.register(rows(running.get()), true);
                queued.register(rows(waiting.get()), true);
            } catch (RuntimeException e) {
                // The ledger did not answer: the last values stay until it does or the lease runs out.
                log.debug("reading job counts from the ledger failed", e);
            }
        });
    }

    private static List<MultiGauge.Row<?>> rows(Map<String, Integer> counts) {
        return counts.entrySet().stream().filter(e -> e.getValue() > 0)
                .<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(Tags.of("source_host", e.getKey()), e.getValue()))
                .toList();
    }

    private Timer duration(String outcome) {
        return Timer.builder("gatekeeper.migration.duration").description("Migration job run time, start to end")
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(100))
                .maximumExpectedValue(Duration.ofHours(2))
                .register(registry);
    }
}
