package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.configuration.InvalidConfigurationException;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code gatekeeper.ledger.*}.
 *
 * @param retention        how long decisions, ended jobs and idempotency keys are kept; older ones are purged hourly
 * @param recordPreflight  preflight decisions go to the ledger too (GET /v1/decisions shows them), not only to the
 *                         decision log
 */
@ConfigurationProperties("gatekeeper.ledger")
record LedgerProperties(@DefaultValue("30d") Duration retention, @DefaultValue("false") boolean recordPreflight) {

    LedgerProperties {
        if (retention.compareTo(Duration.ofHours(1)) < 0 || retention.compareTo(Duration.ofDays(3650)) > 0) {
            throw new InvalidConfigurationException("gatekeeper.ledger.retention",
                    "must be between 1h and 3650d, is " + retention);
        }
    }
}
