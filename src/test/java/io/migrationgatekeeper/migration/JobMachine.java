package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.inventory.HostInventory;
import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.inventory.QemuDropCache;
import io.migrationgatekeeper.policy.Decision;
import io.migrationgatekeeper.policy.Enforcement;
import io.migrationgatekeeper.policy.MigrationRequest;
import io.migrationgatekeeper.policy.StorageMigration;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The job machine with everything but libvirt real: the ledger on an in-memory H2 (the Flyway migrations of
 * production), a fake gateway, a clock the test moves, and the events it publishes collected.
 */
final class JobMachine {

    static final InventoryHost A = host("kvm-a");
    static final InventoryHost B = host("kvm-b");

    final DataSource dataSource;
    final JdbcClient jdbc;
    final LedgerHealth health = new LedgerHealth();
    final Ledger ledger;
    final FakeGateway gateway = new FakeGateway();
    final TestClock clock = new TestClock();
    final List<Object> events = new CopyOnWriteArrayList<>();
    final HostInventory inventory = HostInventory.of(List.of(A, B));
    final MigrationProperties properties;

    JobMachine() {
        this(new MigrationProperties(1, 8, Duration.ofMillis(500), Duration.ofSeconds(60),
                org.springframework.util.unit.DataSize.ofMegabytes(1)));
    }

    JobMachine(MigrationProperties properties) {
        this.properties = properties;
        this.dataSource = SHARED;
        this.jdbc = JdbcClient.create(dataSource);
        // One database migrated once per test JVM; each machine starts from an empty ledger.
        for (String table : List.of("idempotency_claims", "migration_jobs", "decisions")) {
            jdbc.sql("DELETE FROM " + table).update();
        }
        this.ledger = ledger(dataSource, health);
    }

    private static final DataSource SHARED = migrated();

    private static DataSource migrated() {
        DataSource dataSource = new DriverManagerDataSource("jdbc:h2:mem:job-machine-" + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH", "sa", "");
        Flyway.configure().dataSource(dataSource).load().migrate();
        return dataSource;
    }

    static Ledger ledger(DataSource dataSource, LedgerHealth health) {
        return new Ledger(JdbcClient.create(dataSource), new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
                JsonMapper.builder().build(), health);
    }

    /** One replica's engine on this ledger. */
    JobEngine engine(String replica) {
        return new JobEngine(ledger, gateway, inventory, properties, events::add, clock, replica);
    }

    Migrations migrations(Decider decider) {
        JobScheduler scheduler = new JobScheduler(ledger, gateway, inventory, properties,
                new LedgerProperties(Duration.ofDays(30), false), events::add, clock);
        return new Migrations(decider, ledger, scheduler, gateway, inventory, events::add, clock);
    }

    /** An approved decision to move {@code domain} from kvm-a to kvm-b, as the decider would make it. */
    MigrationDecision approved(String domain, MigrationOptions options) {
        return decision(domain, Decision.ALLOWED, "test", options);
    }

    MigrationDecision decision(String domain, Decision decision, String requester, MigrationOptions options) {
        return decision(domain, "kvm-a", decision, requester, options, clock.instant());
    }

    /** A decision asked for by the request {@code requestId}. */
    MigrationDecision decision(String domain, Decision decision, String requester, String requestId,
            MigrationOptions options) {
        return decision(domain, "kvm-a", decision, requester, requestId, options, clock.instant());
    }

    /** A decision to move {@code domain} from {@code source} to kvm-b, decided at {@code at}. */
    static MigrationDecision decision(String domain, String source, Decision decision, String requester,
            MigrationOptions options, Instant at) {
        return decision(domain, source, decision, requester, "req-" + domain, options, at);
    }

    static MigrationDecision decision(String domain, String source, Decision decision, String requester,
            String requestId, MigrationOptions options, Instant at) {
        MigrationRequest request = new MigrationRequest(source, "kvm-b", StorageMigration.NONE, null, false, null);
        EvaluationRecord.Side live = new EvaluationRecord.Side("kvm-a", true, List.of(new EvaluationRecord.DiskRecord("vda",
                "/var/lib/libvirt/images/" + domain + ".qcow2", "none", "local", decision == Decision.DENIED ? "UNSAFE" : "SAFE",
                decision == Decision.DENIED ? "STORAGE_NOT_SHARED" : "STORAGE_MIGRATED",
                new EvaluationRecord.LibvirtRecord(decision == Decision.DENIED ? "UNSAFE" : "SAFE",
                        decision == Decision.DENIED ? "STORAGE_NOT_SHARED" : "STORAGE_MIGRATED", null, null, null))),
                decision == Decision.DENIED ? List.of(new EvaluationRecord.ViolationRecord("vda", "STORAGE_NOT_SHARED",
                        "Unsafe migration: Migration without shared storage is unsafe", "copy it")) : List.of());
        DecisionRecord record = new DecisionRecord(UUID.randomUUID().toString(), at, requester, requestId, domain,
                uuidOf(domain), source, "kvm-b", decision, decision, Enforcement.ENFORCE,
                decision == Decision.DENIED ? List.of("STORAGE_NOT_SHARED") : List.of(), null, "rev",
                new DecisionRecord.RequestRecord(domain, "none", null, false, options, null),
                new EvaluationRecord(false, false, false, live, null, List.of()));
        MigrationPlan plan = decision == Decision.DENIED ? null : MigrationPlan.of(request, false, options, B, null);
        return new MigrationDecision(record, plan, options);
    }

    /** Queues a job for {@code domain}, placed running on kvm-a. */
    MigrationJob queue(String domain, MigrationOptions options) {
        gateway.place("kvm-a", uuidOf(domain), MigrationGateway.Presence.RUNNING);
        return ledger.admit(approved(domain, options), null, clock.instant()).orElseThrow();
    }

    MigrationJob job(String id) {
        return ledger.find(id).orElseThrow();
    }

    <T> List<T> events(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static String uuidOf(String domain) {
        return UUID.nameUUIDFromBytes(domain.getBytes()).toString();
    }

    private static InventoryHost host(String name) {
        return new InventoryHost(name, URI.create("test:///default"), URI.create("qemu+tls://" + name + "/system"), null,
                Map.of(), QemuDropCache.FALSE);
    }

    /** A clock the test moves by hand. */
    static final class TestClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
