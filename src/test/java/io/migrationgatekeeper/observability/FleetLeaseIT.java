package io.migrationgatekeeper.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Two replicas on one ledger, on PostgreSQL and on H2: one holds the fleet lease and alone reports the fleet-wide
 * gauges.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetLeaseIT {

    private EmbeddedPostgres postgres;
    private JdbcClient jdbc;

    @BeforeAll
    void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    void stopPostgres() throws IOException {
        postgres.close();
    }

    Stream<String> databases() {
        return Stream.of("PostgreSQL", "H2");
    }

    private void ledger(String kind) {
        String name = "lease_" + UUID.randomUUID().toString().replace("-", "");
        DataSource db;
        if (kind.equals("PostgreSQL")) {
            JdbcClient.create(postgres.getPostgresDatabase()).sql("CREATE DATABASE " + name).update();
            db = postgres.getDatabase("postgres", name);
        } else {
            db = new DriverManagerDataSource("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
                    "sa", "");
        }
        Flyway.configure().dataSource(db).load().migrate();
        jdbc = JdbcClient.create(db);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void oneReplicaHoldsTheLeaseAndACleanStopHandsItOver(String database) {
        ledger(database);
        FleetLease a = new FleetLease(jdbc);
        FleetLease b = new FleetLease(jdbc);

        a.tick();
        b.tick();
        assertThat(a.held()).isTrue();
        assertThat(b.held()).isFalse();

        a.tick();
        b.tick();
        assertThat(a.held()).as("renewed").isTrue();
        assertThat(b.held()).isFalse();

        a.stop();
        b.tick();
        assertThat(a.held()).isFalse();
        assertThat(b.held()).as("released leases are taken at the next tick").isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aHolderThatStopsRenewingLosesTheLeaseWhenItRunsOut(String database) {
        ledger(database);
        FleetLease a = new FleetLease(jdbc);
        FleetLease b = new FleetLease(jdbc);
        a.tick();
        // a died: its row says it held the lease until a moment ago.
        jdbc.sql("UPDATE fleet_lease SET expires_at = :past").param("past",
                OffsetDateTime.ofInstant(Instant.now().minusSeconds(1), ZoneOffset.UTC)).update();

        b.tick();

        assertThat(b.held()).isTrue();
        a.tick();
        assertThat(a.held()).as("the old holder learns at its next tick").isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theLedgerGaugesAreReportedByTheHolderOnlySoASumCountsEachJobOnce(String database) {
        ledger(database);
        FleetLease leaseA = new FleetLease(jdbc);
        FleetLease leaseB = new FleetLease(jdbc);
        MeterRegistry replicaA = new SimpleMeterRegistry();
        MeterRegistry replicaB = new SimpleMeterRegistry();
        Map<String, Integer> running = Map.of("kvm-a1", 2, "kvm-a2", 0);
        Map<String, Integer> queued = Map.of("kvm-a1", 5);
        new MigrationMetrics(replicaA).watchJobs(leaseA, () -> running, () -> queued);
        new MigrationMetrics(replicaB).watchJobs(leaseB, () -> running, () -> queued);

        leaseA.tick();
        leaseB.tick();

        assertThat(active(replicaA, "kvm-a1")).isEqualTo(2.0);
        assertThat(replicaA.find("gatekeeper.migrations.queued").tag("source_host", "kvm-a1").gauge().value()).isEqualTo(5.0);
        assertThat(replicaA.find("gatekeeper.migrations.active").tag("source_host", "kvm-a2").gauge())
                .as("no series for a host without jobs").isNull();
        assertThat(replicaB.find("gatekeeper.migrations.active").gauges()).isEmpty();

        leaseA.stop();
        leaseB.tick();

        assertThat(replicaA.find("gatekeeper.migrations.active").gauges()).isEmpty();
        assertThat(active(replicaB, "kvm-a1")).isEqualTo(2.0);
    }

    private static double active(MeterRegistry registry, String host) {
        Gauge gauge = registry.find("gatekeeper.migrations.active").tag("source_host", host).gauge();
        assertThat(gauge).as("active{source_host=%s}", host).isNotNull();
        return gauge.value();
    }
}
