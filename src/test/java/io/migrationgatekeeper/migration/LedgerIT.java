package io.migrationgatekeeper.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The ledger against both databases it runs on: a real PostgreSQL (production) and H2 in PostgreSQL mode (the
 * embedded default), through the same Flyway migrations. Several "replicas" share one database here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LedgerIT {

    private EmbeddedPostgres postgres;

    record Database(String name, DataSource dataSource) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    void stopPostgres() throws IOException {
        postgres.close();
    }

    Stream<Database> databases() {
        String db = "ledger_" + UUID.randomUUID().toString().replace("-", "");
        JdbcClient.create(postgres.getPostgresDatabase()).sql("CREATE DATABASE " + db).update();
        DataSource pg = postgres.getDatabase("postgres", db);
        DataSource h2 = new DriverManagerDataSource("jdbc:h2:mem:" + db
                + ";DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH", "sa", "");
        return Stream.of(new Database("PostgreSQL", pg), new Database("H2", h2)).peek(d ->
                Flyway.configure().dataSource(d.dataSource()).load().migrate());
    }

    private static Ledger ledger(Database db) {
        return new Ledger(JdbcClient.create(db.dataSource()),
                new TransactionTemplate(new DataSourceTransactionManager(db.dataSource())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void oneActiveJobPerDomainAndItsDomainIsFreedWhenItEnds(Database db) {
        Ledger ledger = ledger(db);
        MigrationJob first = ledger.insertQueued(job(ledger, "vm-1", "kvm-a1")).orElseThrow();

        assertThat(ledger.insertQueued(job(ledger, "vm-1", "kvm-a1"))).as("second active job").isEmpty();
        assertThat(ledger.activeFor(first.domainUuid())).map(MigrationJob::id).contains(first.id());
        assertThat(ledger.finish(first.id(), JobState.CANCELLED, "CANCELLED", "test", null)).isTrue();
        assertThat(ledger.finish(first.id(), JobState.FAILED, "X", "too late", null)).as("ends once").isFalse();
        assertThat(ledger.insertQueued(job(ledger, "vm-1", "kvm-a1"))).as("after the first ended").isPresent();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void capsHoldAcrossReplicasDispatchingAtOnce(Database db) throws Exception {
        Ledger ledger = ledger(db);
        List<MigrationJob> queued = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            queued.add(ledger.insertQueued(job(ledger, "vm-" + i, i % 2 == 0 ? "kvm-a1" : "kvm-a2")).orElseThrow());
        }
        ExecutorService replicas = Executors.newFixedThreadPool(4);
        List<Callable<List<MigrationJob>>> claims = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            String owner = "replica-" + r;
            claims.add(() -> ledger.claimDispatchable(owner, 2, 3));
        }
        List<MigrationJob> claimed = new ArrayList<>();
        for (Future<List<MigrationJob>> f : replicas.invokeAll(claims)) {
            claimed.addAll(f.get());
        }
        replicas.shutdown();

        assertThat(claimed).as("global cap 3").hasSize(3);
        assertThat(claimed.stream().filter(j -> j.sourceHost().equals("kvm-a1"))).as("per-host cap 2").hasSizeLessThanOrEqualTo(2);
        assertThat(claimed).extracting(MigrationJob::seq).as("arrival order within the caps")
                .containsAnyElementsOf(List.of(queued.get(0).seq(), queued.get(1).seq()));
        assertThat(ledger.countByHost(JobState.RUNNING).values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(3);
        assertThat(ledger.claimDispatchable("replica-9", 2, 3)).as("nothing more while full").isEmpty();

        ledger.finish(claimed.get(0).id(), JobState.SUCCEEDED, null, null, null);
        List<MigrationJob> next = ledger.claimDispatchable("replica-9", 2, 3);
        assertThat(next).hasSize(1);
        assertThat(next.get(0).state()).isEqualTo(JobState.RUNNING);
        assertThat(next.get(0).owner()).isEqualTo("replica-9");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void silentJobsBecomeOrphansThatOneReplicaAdopts(Database db) throws Exception {
        Ledger ledger = ledger(db);
        ledger.insertQueued(job(ledger, "vm-o", "kvm-a1")).orElseThrow();
        MigrationJob running = ledger.claimDispatchable("dead-replica", 1, 8).get(0);
        Thread.sleep(50);
        Instant stale = Instant.now();

        assertThat(ledger.orphans(stale)).extracting(MigrationJob::id).containsExactly(running.id());
        assertThat(ledger.adopt(running.id(), "replica-2", stale)).isTrue();
        assertThat(ledger.adopt(running.id(), "replica-3", stale)).as("only one adopter").isFalse();
        assertThat(ledger.orphans(stale)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void idempotencyKeysAndPagination(Database db) {
        Ledger ledger = ledger(db);
        assertThat(ledger.claimKey("k", "h1")).isEmpty();
        assertThat(ledger.claimKey("k", "h1")).get().extracting(Ledger.StoredAnswer::status).isEqualTo(0);
        ledger.answerKey("k", 202, "{\"id\":\"x\"}");
        assertThat(ledger.claimKey("k", "h2")).get().satisfies(a -> {
            assertThat(a.requestHash()).isEqualTo("h1");
            assertThat(a.status()).isEqualTo(202);
            assertThat(a.body()).isEqualTo("{\"id\":\"x\"}");
        });
        assertThat(ledger.claimKey("open", "h")).isEmpty();
        ledger.releaseKey("open");
        assertThat(ledger.claimKey("open", "h")).as("released keys can be claimed again").isEmpty();

        for (int i = 0; i < 5; i++) {
            MigrationJob job = ledger.insertQueued(job(ledger, "page-" + i, "kvm-b1")).orElseThrow();
            ledger.finish(job.id(), i % 2 == 0 ? JobState.SUCCEEDED : JobState.FAILED, null, null, null);
        }
        List<MigrationJob> first = ledger.list(null, null, null, null, 2);
        List<MigrationJob> second = ledger.list(null, null, null, first.get(1).seq(), 2);
        assertThat(first.get(0).seq()).isGreaterThan(first.get(1).seq());
        assertThat(second.get(0).seq()).isLessThan(first.get(1).seq());
        assertThat(ledger.list(null, JobState.FAILED, null, null, 10)).hasSize(2);
        assertThat(ledger.list("page-3", null, null, null, 10)).extracting(MigrationJob::domainName).containsExactly("page-3");
        assertThat(Set.copyOf(ledger.list(null, null, "ALLOWED", null, 10).stream().map(MigrationJob::decision).toList()))
                .containsExactly("ALLOWED");
    }

    private static MigrationJob job(Ledger ledger, String domain, String source) {
        String decisionId = UUID.randomUUID().toString();
        ledger.recordDecision(new DecisionRecord(decisionId, Instant.now(), "migration", "test", domain,
                uuidOf(domain), source, "kvm-b9", "ALLOWED", "ALLOWED", "", null, "rev", "{}", "{}"));
        return new MigrationJob(UUID.randomUUID().toString(), 0, decisionId, "ALLOWED", domain, uuidOf(domain), source,
                "kvm-b9", JobState.QUEUED, "test", null, 27, "{}", "{}", null, null, null, Instant.now(), null, null,
                null, null, false);
    }

    private static String uuidOf(String domain) {
        return UUID.nameUUIDFromBytes(domain.getBytes()).toString();
    }
}
