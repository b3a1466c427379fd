package io.migrationgatekeeper.fleet;

import io.migrationgatekeeper.inventory.HostCallException;
import io.migrationgatekeeper.inventory.HostInventory;
import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.observability.FleetLease;
import io.migrationgatekeeper.policy.MigrationRequest;
import io.migrationgatekeeper.policy.ReasonCode;
import io.migrationgatekeeper.policy.StorageMigration;
import io.migrationgatekeeper.policy.Verdict;
import io.migrationgatekeeper.policyconfig.EffectivePolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The fleet audit: every {@code interval}, the replica holding the {@link FleetLease} judges every running domain on
 * every inventory host, {@code concurrency} hosts at a time, and keeps the result in the shared database for
 * {@code GET /v1/audit} on any replica. The first sweep starts as soon as a replica holds the lease after start-up.
 * Each host is read in one call bounded by the call timeout, so a slow or hung host costs one slot that long and no
 * more; it is reported unreachable with the error.
 */
@Component
class FleetAudit implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(FleetAudit.class);

    /** The reasons that deny a domain, each counted even at zero so the answer's keys do not depend on the fleet. */
    static final List<String> DENYING_REASONS = java.util.Arrays.stream(ReasonCode.values())
            .filter(r -> r.verdict() != Verdict.SAFE).map(ReasonCode::name).toList();

    private final List<InventoryHost> hosts;
    private final HostDomains hostDomains;
    private final FleetEvaluator evaluator;
    private final EffectivePolicy policy;
    private final AuditStore store;
    private final AuditMetrics metrics;
    private final AuditProperties properties;
    private final FleetLease lease;
    private final AtomicInteger threads = new AtomicInteger();
    private volatile ScheduledExecutorService timer;
    private volatile ExecutorService readers;
    private ScheduledFuture<?> sweeping;

    FleetAudit(HostInventory inventory, HostDomains hostDomains, FleetEvaluator evaluator, EffectivePolicy policy,
            AuditStore store, AuditMetrics metrics, AuditProperties properties, FleetLease lease) {
        this.hosts = List.copyOf(inventory.all());
        this.hostDomains = hostDomains;
        this.evaluator = evaluator;
        this.policy = policy;
        this.store = store;
        this.metrics = metrics;
        this.properties = properties;
        this.lease = lease;
        lease.onTick(this::leaseTick);
    }

    /** Sweeping follows the lease: starts when this replica gets it, stops (after the sweep in hand) when it goes. */
    private synchronized void leaseTick(boolean held) {
        ScheduledExecutorService t = timer;
        if (held && t != null && sweeping == null) {
            log.info("fleet audit: sweeping {} hosts every {}", hosts.size(), properties.interval());
            try {
                // Until this replica's first sweep completes, show the one its predecessor kept.
                store.latest().ifPresent(metrics::show);
            } catch (RuntimeException e) {
                log.debug("reading the kept fleet audit failed", e);
            }
            sweeping = t.scheduleAtFixedRate(this::sweepAndKeep, 0, properties.interval().toMillis(), TimeUnit.MILLISECONDS);
        } else if (!held && sweeping != null) {
            sweeping.cancel(false);
            sweeping = null;
            metrics.clear();
        }
    }

    private void sweepAndKeep() {
        try {
            AuditSweep sweep = sweep();
            store.keep(sweep);
            if (lease.held()) {
                metrics.show(sweep);
            }
            log.info("fleet audit: {} running domains on {} hosts ({} unreachable), {} not migratable, in {} ms",
                    sweep.domains(), sweep.hosts(), sweep.unreachableHosts(), sweep.notMigratable(), sweep.durationMs());
        } catch (RuntimeException e) {
            // The next sweep tries again; a failure here must not cancel the schedule.
            log.error("fleet audit sweep failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One sweep of every host. */
    AuditSweep sweep() throws InterruptedException {
        Instant started = Instant.now();
        long start = System.nanoTime();
        String revision = policy.revision();
        ExecutorService pool = readers;
        List<Future<AuditSweep.HostAudit>> pending = new ArrayList<>();
        for (InventoryHost host : hosts) {
            pending.add(pool.submit(() -> audit(host)));
        }
        List<AuditSweep.HostAudit> perHost = new ArrayList<>(hosts.size());
        for (int i = 0; i < pending.size(); i++) {
            try {
                perHost.add(pending.get(i).get());
            } catch (ExecutionException e) {
                perHost.add(AuditSweep.HostAudit.unreachable(hosts.get(i).name(), "the audit failed: " + e.getCause()));
                log.warn("fleet audit of host {} failed", hosts.get(i).name(), e.getCause());
            }
        }
        int unreachable = 0;
        int domains = 0;
        int notMigratable = 0;
        int unevaluable = 0;
        Map<String, Integer> byReason = zeroes();
        for (AuditSweep.HostAudit host : perHost) {
            if (!host.reachable()) {
                unreachable++;
                continue;
            }
            domains += host.domains();
            notMigratable += host.notMigratable();
            unevaluable += host.unevaluable();
            host.byReason().forEach((reason, count) -> byReason.merge(reason, count, Integer::sum));
        }
        return new AuditSweep(started, (System.nanoTime() - start) / 1_000_000, revision, perHost.size(), unreachable,
                domains, notMigratable, unevaluable, byReason, perHost);
    }

    private AuditSweep.HostAudit audit(InventoryHost host) {
        MigrationRequest request = FleetEvaluator.request(host, null, StorageMigration.NONE);
        Function<DomainOnHost, Assessment> judge = evaluator.judge(request);
        List<Assessment> running;
        try {
            // Judged as each definition is read; a domain that is not running is not a migration's concern.
            running = hostDomains.list(host, domain -> domain.active() ? judge.apply(domain) : null);
        } catch (HostCallException e) {
            return AuditSweep.HostAudit.unreachable(host.name(), e.getMessage());
        }
        int domains = 0;
        int notMigratable = 0;
        int unevaluable = 0;
        Map<String, Integer> byReason = zeroes();
        for (Assessment assessment : running) {
            if (assessment == null) {
                continue;
            }
            domains++;
            if (!assessment.judged()) {
                unevaluable++;
            } else if (!assessment.migratable()) {
                notMigratable++;
                Set<String> reasons = new LinkedHashSet<>();
                assessment.violations().forEach(v -> reasons.add(v.reason()));
                reasons.forEach(reason -> byReason.merge(reason, 1, Integer::sum));
            }
        }
        return new AuditSweep.HostAudit(host.name(), true, domains, notMigratable, unevaluable, byReason, null);
    }

    private static Map<String, Integer> zeroes() {
        Map<String, Integer> counts = new TreeMap<>();
        DENYING_REASONS.forEach(reason -> counts.put(reason, 0));
        return counts;
    }

    @Override
    public synchronized void start() {
        if (!properties.enabled()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(task -> daemon(task, "fleet-audit"));
        readers = Executors.newFixedThreadPool(properties.concurrency(),
                task -> daemon(task, "fleet-audit-" + threads.incrementAndGet()));
        if (lease.held()) {
            leaseTick(true);
        }
    }

    @Override
    public synchronized void stop() {
        if (sweeping != null) {
            sweeping.cancel(false);
            sweeping = null;
        }
        if (timer != null) {
            timer.shutdownNow();
            readers.shutdownNow();
            timer = null;
            readers = null;
        }
        metrics.clear();
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
