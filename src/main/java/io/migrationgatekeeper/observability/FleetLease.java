package io.migrationgatekeeper.observability;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Which replica reports for the fleet: the one holding the {@code fleet} lease row in the shared database. It
 * exports the gauges read from the ledger and runs the fleet audit, so that a dashboard's {@code sum()} counts each
 * value once however many replicas are scraped, and hosts are swept once, not once per replica. The lease lasts
 * {@link #TTL}, is renewed every {@link #RENEW_EVERY}, and is released on a clean stop so another replica takes
 * over at its next renewal; a holder that dies is replaced when its lease expires.
 */
@Component
public class FleetLease implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(FleetLease.class);

    static final Duration TTL = Duration.ofSeconds(15);
    static final Duration RENEW_EVERY = Duration.ofSeconds(5);

    private final JdbcClient jdbc;
    private final String replica;
    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private volatile Instant heldUntil = Instant.MIN;
    private volatile ScheduledExecutorService ticker;

    FleetLease(JdbcClient jdbc) {
        this.jdbc = jdbc;
        this.replica = hostname() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** True while this replica holds the lease (and its last renewal has not run out). */
    public boolean held() {
        return Instant.now().isBefore(heldUntil);
    }

    public String replica() {
        return replica;
    }

    /**
     * Called after every renewal attempt with whether this replica now holds the lease, on the lease's own thread:
     * keep it short, or hand the work to another thread.
     */
    public void onTick(Consumer<Boolean> listener) {
        listeners.add(listener);
    }

    void tick() {
        boolean before = held();
        boolean now;
        try {
            now = renew();
        } catch (RuntimeException e) {
            // The database is unreachable: keep what is left of the lease, lose it when it runs out.
            log.debug("renewing the fleet lease failed", e);
            now = held();
        }
        if (now != before) {
            log.info("replica {} {} the fleet lease", replica, now ? "holds" : "no longer holds");
        }
        for (Consumer<Boolean> listener : listeners) {
            try {
                listener.accept(now);
            } catch (RuntimeException e) {
                log.warn("a fleet lease listener failed", e);
            }
        }
    }

    private boolean renew() {
        Instant now = Instant.now();
        Instant until = now.plus(TTL);
        int updated = jdbc.sql("""
                UPDATE fleet_lease SET holder = :me, expires_at = :until
                WHERE name = 'fleet' AND (holder = :me OR expires_at < :now)""")
                .param("me", replica).param("until", time(until)).param("now", time(now)).update();
        heldUntil = updated == 1 ? until : Instant.MIN;
        return updated == 1;
    }

    private void release() {
        heldUntil = Instant.MIN;
        try {
            jdbc.sql("UPDATE fleet_lease SET expires_at = :epoch WHERE name = 'fleet' AND holder = :me")
                    .param("epoch", time(Instant.EPOCH)).param("me", replica).update();
        } catch (RuntimeException e) {
            log.debug("releasing the fleet lease failed; it runs out by itself", e);
        }
    }

    @Override
    public void start() {
        ticker = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "fleet-lease");
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleWithFixedDelay(this::tick, 0, RENEW_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        ScheduledExecutorService running = ticker;
        ticker = null;
        if (running != null) {
            running.shutdownNow();
            try {
                running.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        boolean wasHeld = held();
        release();
        if (wasHeld) {
            listeners.forEach(listener -> listener.accept(false));
        }
    }

    @Override
    public boolean isRunning() {
        return ticker != null;
    }

    /** Before the job runner and the audit, which read {@link #held()}; after them on the way down. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1000;
    }

    private static OffsetDateTime time(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "replica";
        }
    }
}
