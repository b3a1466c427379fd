package io.migrationgatekeeper.fleet;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The latest sweep as gauges, exported by the replica that made it (the fleet lease holder) and by no other, so
 * a {@code sum()} counts each domain once:
 * <ul>
 *   <li>{@code gatekeeper_audit_domains{host,migratable}}: running domains per reachable host, by the rule's verdict</li>
 *   <li>{@code gatekeeper_audit_not_migratable{reason}}: running domains the rule denies, per denying reason</li>
 *   <li>{@code gatekeeper_audit_hosts{reachable}}: hosts the sweep could and could not read</li>
 *   <li>{@code gatekeeper_audit_sweep_timestamp_seconds}, {@code gatekeeper_audit_sweep_duration_seconds}</li>
 *   <li>{@code gatekeeper_audit_interval_seconds}: the configured time between sweeps, so the staleness alert
 *   follows the configuration instead of assuming the default</li>
 * </ul>
 */
@Component
class AuditMetrics {

    private final MultiGauge domains;
    private final MultiGauge reasons;
    private final MultiGauge hosts;
    private final MultiGauge sweptAt;
    private final MultiGauge duration;
    private final MultiGauge interval;
    private final double intervalSeconds;

    AuditMetrics(MeterRegistry registry, AuditProperties properties) {
        intervalSeconds = properties.interval().toMillis() / 1000.0;
        domains = MultiGauge.builder("gatekeeper.audit.domains")
                .description("Running domains per host in the latest fleet audit, by whether the rule lets them move")
                .register(registry);
        reasons = MultiGauge.builder("gatekeeper.audit.not.migratable")
                .description("Running domains the rule denies in the latest fleet audit, per denying reason")
                .register(registry);
        hosts = MultiGauge.builder("gatekeeper.audit.hosts")
                .description("Hosts the latest fleet audit could and could not read").register(registry);
        sweptAt = MultiGauge.builder("gatekeeper.audit.sweep.timestamp").baseUnit("seconds")
                .description("When the latest fleet audit started (Unix time)").register(registry);
        duration = MultiGauge.builder("gatekeeper.audit.sweep.duration").baseUnit("seconds")
                .description("How long the latest fleet audit took").register(registry);
        interval = MultiGauge.builder("gatekeeper.audit.interval").baseUnit("seconds")
                .description("The configured time from the start of one fleet audit to the start of the next")
                .register(registry);
    }

    void show(AuditSweep sweep) {
        List<MultiGauge.Row<?>> perHost = new ArrayList<>();
        for (AuditSweep.HostAudit host : sweep.perHost()) {
            if (host.reachable()) {
                int judged = host.domains() - host.unevaluable();
                perHost.add(MultiGauge.Row.of(Tags.of("host", host.host(), "migratable", "true"),
                        judged - host.notMigratable()));
                perHost.add(MultiGauge.Row.of(Tags.of("host", host.host(), "migratable", "false"), host.notMigratable()));
            }
        }
        domains.register(perHost, true);
        reasons.register(sweep.byReason().entrySet().stream()
                .<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(Tags.of("reason", e.getKey()), e.getValue())).toList(), true);
        hosts.register(List.of(
                MultiGauge.Row.of(Tags.of("reachable", "true"), sweep.hosts() - sweep.unreachableHosts()),
                MultiGauge.Row.of(Tags.of("reachable", "false"), sweep.unreachableHosts())), true);
        sweptAt.register(List.of(MultiGauge.Row.of(Tags.empty(), sweep.sweptAt().toEpochMilli() / 1000.0)), true);
        duration.register(List.of(MultiGauge.Row.of(Tags.empty(), sweep.durationMs() / 1000.0)), true);
        interval.register(List.of(MultiGauge.Row.of(Tags.empty(), intervalSeconds)), true);
    }

    void clear() {
        for (MultiGauge gauge : List.of(domains, reasons, hosts, sweptAt, duration, interval)) {
            gauge.register(List.of(), true);
        }
    }
}
