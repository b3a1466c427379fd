package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.inventory.HostInventory;
import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.observability.MigrationMetrics;
import io.migrationgatekeeper.inventory.HostCallException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the jobs this replica claims: dispatches QUEUED jobs under the caps, performs each through the gateway,
 * reports progress and a heartbeat while it runs, and reconciles RUNNING jobs whose replica stopped reporting
 * (it died mid-migration) with what libvirt shows.
 */
@Component
class JobRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private final Ledger ledger;
    private final MigrationGateway gateway;
    private final HostInventory inventory;
    private final MigrationProperties properties;
    private final MigrationMetrics metrics;
    private final JsonMapper json;
    private final String replica;
    private final AtomicInteger threads = new AtomicInteger();
    // Created in start(), ended in stop(): a context may be stopped and started again (Spring's test context
    // cache pauses idle contexts).
    private volatile ScheduledExecutorService scheduler;
    private volatile ExecutorService runners;
    private final Set<String> timedOut = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    JobRunner(Ledger ledger, MigrationGateway gateway, HostInventory inventory, MigrationProperties properties,
            MigrationMetrics metrics, JsonMapper json) {
        this.ledger = ledger;
        this.gateway = gateway;
        this.inventory = inventory;
        this.properties = properties;
        this.metrics = metrics;
        this.json = json;
        this.replica = hostname() + "-" + UUID.randomUUID().toString().substring(0, 8);
        // One query per state per scrape, not one per host gauge: each query counts every host at once.
        Supplier<Map<String, Integer>> running = recent(() -> ledger.countByHost(JobState.RUNNING));
        Supplier<Map<String, Integer>> queued = recent(() -> ledger.countByHost(JobState.QUEUED));
        metrics.register(inventory.all().stream().map(InventoryHost::name).toList(),
                host -> running.get().getOrDefault(host, 0), host -> queued.get().getOrDefault(host, 0));
    }

    /** The value {@code query} gave within the last second, or a fresh one. */
    private static Supplier<Map<String, Integer>> recent(Supplier<Map<String, Integer>> query) {
        AtomicReference<Map.Entry<Long, Map<String, Integer>>> last = new AtomicReference<>();
        return () -> {
            long now = System.nanoTime();
            Map.Entry<Long, Map<String, Integer>> cached = last.get();
            if (cached != null && now - cached.getKey() < 1_000_000_000L) {
                return cached.getValue();
            }
            Map<String, Integer> fresh = query.get();
            last.set(Map.entry(now, fresh));
            return fresh;
        };
    }

    /** Tries to start queued jobs now rather than at the next tick. */
    void dispatchSoon() {
        if (running) {
            scheduler.execute(this::dispatch);
        }
    }

    private void dispatch() {
        try {
            for (MigrationJob job : ledger.claimDispatchable(replica, properties.maxOutboundPerHost(), properties.maxActive())) {
                runners.execute(() -> run(job));
            }
        } catch (RuntimeException e) {
            log.error("dispatching queued migrations failed; retrying at the next tick", e);
        }
    }

    private void run(MigrationJob job) {
        Instant started = Instant.now();
        Optional<InventoryHost> source = inventory.find(job.sourceHost());
        Optional<InventoryHost> target = inventory.find(job.targetHost());
        if (source.isEmpty() || target.isEmpty()) {
            end(job, JobState.FAILED, "HOST_NOT_IN_INVENTORY", "the source or target host is no longer in the inventory",
                    null, started);
            return;
        }
        MigrationPlan plan = json.readValue(job.parametersJson(), MigrationPlan.class);
        MigrationOptions options = json.readValue(job.optionsJson(), MigrationOptions.class);
        log.info("migration {}: {} from {} to {} (flags {})", job.id(), job.domainName(), job.sourceHost(),
                job.targetHost(), plan.flags());
        ScheduledFuture<?> poller = scheduler.scheduleWithFixedDelay(() -> poll(job, source.get(), options, started),
                properties.pollInterval().toMillis(), properties.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        try {
            gateway.migrate(source.get(), job.domainUuid(), plan);
            poller.cancel(false);
            end(job, JobState.SUCCEEDED, null, null, completedStats(target.get(), job), started);
        } catch (MigrationGateway.MigrationFailedException e) {
            poller.cancel(false);
            if (timedOut.remove(job.id())) {
                end(job, JobState.FAILED, "TIMEOUT", "aborted after options.timeoutSeconds ("
                        + options.timeoutSeconds() + " s): " + e.getMessage(), null, started);
            } else if (e.aborted()) {
                end(job, JobState.CANCELLED, e.code(), e.getMessage(), null, started);
            } else {
                end(job, JobState.FAILED, e.code(), e.getMessage(), null, started);
            }
        } catch (RuntimeException e) {
            poller.cancel(false);
            log.error("migration {} failed unexpectedly", job.id(), e);
            end(job, JobState.FAILED, "INTERNAL_ERROR", e.toString(), null, started);
        }
    }

    private void poll(MigrationJob job, InventoryHost source, MigrationOptions options, Instant started) {
        try {
            String progress = gateway.progress(source, job.domainUuid()).map(json::writeValueAsString).orElse(null);
            ledger.heartbeat(job.id(), replica, progress);
            boolean overdue = options.timeoutSeconds() != null
                    && Duration.between(started, Instant.now()).toSeconds() >= options.timeoutSeconds();
            if (overdue && timedOut.add(job.id())) {
                log.warn("migration {} exceeded {} s: aborting", job.id(), options.timeoutSeconds());
                gateway.abort(source, job.domainUuid());
            } else if (ledger.cancelRequested(job.id())) {
                gateway.abort(source, job.domainUuid());
            }
        } catch (HostCallException e) {
            // The source did not answer this time: keep the heartbeat, the migration itself decides the outcome.
            ledger.heartbeat(job.id(), replica, null);
            log.debug("migration {}: progress unavailable: {}", job.id(), e.getMessage());
        } catch (RuntimeException e) {
            log.warn("migration {}: progress poll failed", job.id(), e);
        }
    }

    private String completedStats(InventoryHost target, MigrationJob job) {
        try {
            return gateway.completed(target, job.domainUuid()).map(json::writeValueAsString).orElse(null);
        } catch (HostCallException e) {
            return null;
        }
    }

    private void end(MigrationJob job, JobState state, String code, String message, String progress, Instant started) {
        if (ledger.finish(job.id(), state, code, message, progress)) {
            metrics.ended(state.name(), job.sourceHost(), job.targetHost(),
                    started == null ? null : Duration.between(started, Instant.now()));
            log.info("migration {}: {}{}", job.id(), state, message == null ? "" : " (" + code + ": " + message + ")");
        }
        dispatchSoon();
    }

    /** RUNNING jobs whose replica went silent: decide from libvirt what became of them. */
    private void reconcile() {
        Instant stale = Instant.now().minus(properties.orphanAfter());
        try {
            for (MigrationJob orphan : ledger.orphans(stale)) {
                if (ledger.adopt(orphan.id(), replica, stale)) {
                    runners.execute(() -> reconcile(orphan));
                }
            }
        } catch (RuntimeException e) {
            log.error("reconciling orphaned migrations failed; retrying later", e);
        }
    }

    private void reconcile(MigrationJob job) {
        Optional<InventoryHost> source = inventory.find(job.sourceHost());
        Optional<InventoryHost> target = inventory.find(job.targetHost());
        if (source.isEmpty() || target.isEmpty()) {
            end(job, JobState.FAILED, "INTERRUPTED", "interrupted, and its hosts are no longer in the inventory", null, null);
            return;
        }
        try {
            while (gateway.presence(source.get(), job.domainUuid()) == MigrationGateway.Presence.MIGRATING) {
                // libvirt is still migrating it: watch, as the replica that started it would have.
                ledger.heartbeat(job.id(), replica,
                        gateway.progress(source.get(), job.domainUuid()).map(json::writeValueAsString).orElse(null));
                Thread.sleep(properties.pollInterval().toMillis());
            }
            MigrationGateway.Presence onTarget = gateway.presence(target.get(), job.domainUuid());
            if (onTarget == MigrationGateway.Presence.RUNNING) {
                end(job, JobState.SUCCEEDED, null, null, completedStats(target.get(), job), null);
                log.info("migration {}: reconciled after its replica stopped: the domain runs on {}", job.id(),
                        job.targetHost());
                return;
            }
            MigrationGateway.Presence onSource = gateway.presence(source.get(), job.domainUuid());
            end(job, JobState.FAILED, "INTERRUPTED", "interrupted: the replica running it stopped, and the domain is "
                    + (onSource == MigrationGateway.Presence.ABSENT ? "on neither host"
                    : "still on " + job.sourceHost() + " with no migration job"), null, null);
        } catch (HostCallException e) {
            // A host did not answer: leave the job orphaned, the next round tries again.
            log.warn("migration {}: cannot reconcile yet: {}", job.id(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    void onReady() {
        if (running) {
            scheduler.execute(this::reconcile);
        }
    }

    @Override
    public void start() {
        scheduler = Executors.newScheduledThreadPool(2, task -> daemon(task, "migration-scheduler-" + threads.incrementAndGet()));
        runners = Executors.newCachedThreadPool(task -> daemon(task, "migration-" + threads.incrementAndGet()));
        running = true;
        long tick = properties.pollInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::dispatch, tick, tick, TimeUnit.MILLISECONDS);
        long reconcileEvery = Math.max(tick, properties.orphanAfter().toMillis() / 2);
        scheduler.scheduleWithFixedDelay(this::reconcile, reconcileEvery, reconcileEvery, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        running = false;
        scheduler.shutdownNow();
        // A job that is ending gets a few seconds to record its outcome. Jobs still migrating keep running in
        // libvirt; their heartbeat stops, and another replica (or this one, restarted) reconciles them.
        runners.shutdown();
        try {
            if (!runners.awaitTermination(5, TimeUnit.SECONDS)) {
                log.info("stopping with migrations still running in libvirt; they will be reconciled");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runners.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }


    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "replica";
        }
    }
}
