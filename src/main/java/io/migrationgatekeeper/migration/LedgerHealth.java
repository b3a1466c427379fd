package io.migrationgatekeeper.migration;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health/ledger}, in the readiness group: DOWN from the first ledger operation that could not reach
 * the database until the next one that could. Reading it never touches the database (a probe must answer at once,
 * and the dispatcher reaches the database every poll interval anyway), and it is not in the liveness group: a
 * database outage must take the replica out of service, not restart it.
 */
@Component("ledgerHealthIndicator")
class LedgerHealth implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(LedgerHealth.class);

    private record Outage(Instant since, String error) {}

    private final AtomicReference<Outage> outage = new AtomicReference<>();

    void reachable() {
        Outage ended = outage.getAndSet(null);
        if (ended != null) {
            log.info("the ledger database is reachable again (unreachable since {})", ended.since());
        }
    }

    void unreachable(Throwable cause) {
        Outage now = new Outage(Instant.now(), String.valueOf(cause.getMessage()));
        if (outage.compareAndSet(null, now)) {
            log.warn("the ledger database cannot be reached: migrations answer 503 and readiness is DOWN until it can ({})",
                    now.error());
        }
    }

    boolean up() {
        return outage.get() == null;
    }

    @Override
    public Health health() {
        Outage current = outage.get();
        if (current == null) {
            return Health.up().build();
        }
        return Health.down().withDetail("since", current.since().toString()).build();
    }
}
