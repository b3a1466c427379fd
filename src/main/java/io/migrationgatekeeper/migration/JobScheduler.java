package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.configuration.InvalidConfigurationException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Runs the {@link JobEngine} on threads that cannot hold each other up:
 * <ul>
 *   <li>one control thread for what only touches the ledger: dispatching, heartbeats, adopting orphans, purging;</li>
 *   <li>a pool for polls, which call libvirt and may each take up to {@code call-timeout};</li>
 *   <li>a thread per migration, blocked in libvirt for as long as it takes.</li>
 * </ul>
 * So a host that answers a poll slowly never delays a heartbeat, and no live job looks like an orphan.
 */
@Component
class JobScheduler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobScheduler.class);
    private static final int POLL_THREADS = 4;

    private final JobEngine engine;
    private final Ledger ledger;
    private final MigrationProperties properties;
    private final LedgerProperties retention;
    private final Clock clock;
    private final AtomicInteger threads = new AtomicInteger();
    /** Polls under way: a job whose last poll still waits on its host is not polled twice. */
    private final Set<String> polling = ConcurrentHashMap.newKeySet();
    // Created in start(), ended in stop(): a context may be stopped and started again (Spring's test context cache
    // pauses idle contexts).
    private volatile ScheduledExecutorService control;
    private volatile ScheduledExecutorService pollers;
    private volatile ExecutorService runners;
    private volatile boolean running;

    JobScheduler(Ledger ledger, MigrationGateway gateway, io.migrationgatekeeper.inventory.HostInventory inventory,
            MigrationProperties properties, LedgerProperties retention,
            org.springframework.context.ApplicationEventPublisher events, Clock clock) {
        Duration needed = gateway.callTimeout().plus(properties.pollInterval().multipliedBy(2));
        if (properties.orphanAfter().compareTo(needed) <= 0) {
            throw new InvalidConfigurationException("gatekeeper.migrations.orphan-after", "is "
                    + properties.orphanAfter().toMillis() + "ms, but must exceed gatekeeper.libvirt.call-timeout plus two"
                    + " poll intervals (" + needed.toMillis() + "ms), or a job whose host answers slowly would be taken"
                    + " for an orphan while it is still watched");
        }
        this.ledger = ledger;
        this.properties = properties;
        this.retention = retention;
        this.clock = clock;
        this.engine = new JobEngine(ledger, gateway, inventory, properties, events, clock,
                hostname() + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** Tries to start queued jobs now rather than at the next tick. */
    void dispatchSoon() {
        if (running) {
            control.execute(this::dispatch);
        }
    }

    private void dispatch() {
        quietly("dispatching queued migrations", () -> {
            for (MigrationJob job : engine.claim()) {
                runners.execute(() -> {
                    engine.run(job);
                    dispatchSoon();
                });
            }
        });
    }

    private void pollAll() {
        for (String id : engine.watched()) {
            if (polling.add(id)) {
                pollers.execute(() -> {
                    try {
                        quietly("polling migration " + id, () -> engine.poll(id));
                    } finally {
                        polling.remove(id);
                    }
                });
            }
        }
    }

    private void reconcile() {
        quietly("reconciling orphaned migrations", () -> {
            for (MigrationJob orphan : engine.adoptOrphans()) {
                runners.execute(() -> quietly("reconciling migration " + orphan.id(), () -> engine.reconcile(orphan)));
            }
        });
    }

    private void purge() {
        quietly("purging the ledger", () -> {
            Ledger.Purged purged = ledger.purge(clock.instant().minus(retention.retention()));
            if (purged.keys() + purged.jobs() + purged.decisions() > 0) {
                log.info("ledger retention ({}): purged {} idempotency keys, {} jobs, {} decisions", retention.retention(),
                        purged.keys(), purged.jobs(), purged.decisions());
            }
        });
    }

    /** A failing tick must not end its schedule; an unreachable ledger is reported once, by {@link LedgerHealth}. */
    private static void quietly(String what, Runnable step) {
        try {
            step.run();
        } catch (LedgerUnavailableException e) {
            log.debug("{}: the ledger is unavailable", what);
        } catch (RuntimeException e) {
            log.error("{} failed; retrying at the next tick", what, e);
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    void onReady() {
        if (running) {
            control.execute(this::reconcile);
        }
    }

    @Override
    public void start() {
        control = Executors.newSingleThreadScheduledExecutor(task -> daemon(task, "migration-control"));
        pollers = Executors.newScheduledThreadPool(POLL_THREADS, task -> daemon(task, "migration-poll-" + threads.incrementAndGet()));
        runners = Executors.newCachedThreadPool(task -> daemon(task, "migration-" + threads.incrementAndGet()));
        running = true;
        long tick = properties.pollInterval().toMillis();
        control.scheduleWithFixedDelay(this::dispatch, tick, tick, TimeUnit.MILLISECONDS);
        control.scheduleWithFixedDelay(() -> quietly("heartbeat", engine::heartbeat), tick, tick, TimeUnit.MILLISECONDS);
        pollers.scheduleWithFixedDelay(this::pollAll, tick, tick, TimeUnit.MILLISECONDS);
        long reconcileEvery = Math.max(tick, properties.orphanAfter().toMillis() / 2);
        control.scheduleWithFixedDelay(this::reconcile, reconcileEvery, reconcileEvery, TimeUnit.MILLISECONDS);
        control.scheduleWithFixedDelay(this::purge, 1, TimeUnit.HOURS.toMinutes(1), TimeUnit.MINUTES);
    }

    @Override
    public void stop() {
        running = false;
        control.shutdownNow();
        pollers.shutdownNow();
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
