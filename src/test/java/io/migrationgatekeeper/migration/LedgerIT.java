package io.migrationgatekeeper.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

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
        return JobMachine.ledger(db.dataSource(), new LedgerHealth());
    }

    private final JobMachine.TestClock clock = new JobMachine.TestClock();

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void oneActiveJobPerDomainAndItsDomainIsFreedWhenItEnds(Database db) {
        Ledger ledger = ledger(db);
        MigrationJob first = queue(ledger, "vm-1", "kvm-a1");

        assertThatThrownBy(() -> queue(ledger, "vm-1", "kvm-a1")).as("second active job")
                .isInstanceOf(MigrationException.class);
        assertThat(ledger.activeFor(first.domainUuid())).map(MigrationJob::id).contains(first.id());
        assertThat(ledger.cancelQueued(first.id(), clock.instant())).isTrue();
        assertThat(ledger.cancelQueued(first.id(), clock.instant())).as("ends once").isFalse();
        assertThat(queue(ledger, "vm-1", "kvm-a1")).as("after the first ended").isNotNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void everyTransitionIsGuardedByTheStateItComesFrom(Database db) {
        Ledger ledger = ledger(db);
        MigrationJob job = queue(ledger, "vm-t", "kvm-a1");

        assertThat(ledger.end(job.id(), JobState.SUCCEEDED, null, null, clock.instant())).as("a queued job cannot succeed")
                .isFalse();
        assertThat(ledger.requestCancel(job.id())).as("nothing runs to abort yet").isFalse();
        assertThat(ledger.claimDispatchable("replica-1", 1, 8, clock.instant())).hasSize(1);
        assertThat(ledger.cancelQueued(job.id(), clock.instant())).as("the dispatcher took it first").isFalse();
        assertThat(ledger.find(job.id()).orElseThrow().state()).isEqualTo(JobState.RUNNING);
        assertThat(ledger.activeFor(job.domainUuid())).as("still taken while it runs").isPresent();
        assertThat(ledger.requestCancel(job.id())).isTrue();
        assertThat(ledger.end(job.id(), JobState.CANCELLED, new MigrationJob.JobError("VIR_ERR_OPERATION_ABORTED", "x"),
                null, clock.instant())).isTrue();
        assertThat(ledger.end(job.id(), JobState.FAILED, null, null, clock.instant())).as("ends once").isFalse();
        assertThatThrownBy(() -> ledger.end(job.id(), JobState.QUEUED, null, null, clock.instant()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void capsHoldAcrossReplicasDispatchingAtOnce(Database db) throws Exception {
        Ledger ledger = ledger(db);
        List<MigrationJob> queued = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            queued.add(queue(ledger, "vm-" + i, i % 2 == 0 ? "kvm-a1" : "kvm-a2"));
        }
        ExecutorService replicas = Executors.newFixedThreadPool(4);
        List<Callable<List<MigrationJob>>> claims = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            String owner = "replica-" + r;
            claims.add(() -> ledger.claimDispatchable(owner, 2, 3, Instant.now()));
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
        assertThat(ledger.claimDispatchable("replica-9", 2, 3, Instant.now())).as("nothing more while full").isEmpty();

        ledger.end(claimed.get(0).id(), JobState.SUCCEEDED, null, null, Instant.now());
        List<MigrationJob> next = ledger.claimDispatchable("replica-9", 2, 3, Instant.now());
        assertThat(next).hasSize(1);
        assertThat(next.get(0).state()).isEqualTo(JobState.RUNNING);
        assertThat(next.get(0).owner()).isEqualTo("replica-9");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void silentJobsBecomeOrphansThatOneReplicaAdopts(Database db) {
        Ledger ledger = ledger(db);
        queue(ledger, "vm-o", "kvm-a1");
        MigrationJob running = ledger.claimDispatchable("dead-replica", 1, 8, clock.instant()).get(0);
        clock.advance(java.time.Duration.ofSeconds(61));
        Instant stale = clock.instant().minusSeconds(60);

        assertThat(ledger.heartbeat(List.of(running.id()), "another-replica", clock.instant())).as("not its job").isZero();
        assertThat(ledger.orphans(stale)).extracting(MigrationJob::id).containsExactly(running.id());
        assertThat(ledger.adopt(running.id(), "replica-2", stale, clock.instant())).isTrue();
        assertThat(ledger.adopt(running.id(), "replica-3", stale, clock.instant())).as("only one adopter").isFalse();
        assertThat(ledger.orphans(stale)).isEmpty();
        assertThat(ledger.heartbeat(List.of(running.id()), "dead-replica", clock.instant()))
                .as("the old owner, back, no longer owns it").isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void idempotencyKeysAreEachCallersOwnAndUnansweredClaimsExpire(Database db) {
        Ledger ledger = ledger(db);
        Instant now = clock.instant();
        Instant lease = now.plusSeconds(90);

        Ledger.KeyClaim alice = ledger.claimKey("alice", "k", "h1", now, lease);
        assertThat(alice).isInstanceOf(Ledger.Claimed.class);
        assertThat(ledger.claimKey("bob", "k", "h1", now, lease)).as("bob's k is not alice's k")
                .isInstanceOf(Ledger.Claimed.class);
        assertThat(ledger.claimKey("alice", "k", "h1", now, lease)).isInstanceOf(Ledger.InFlight.class);
        assertThat(ledger.claimKey("alice", "k", "h2", now, lease)).isInstanceOf(Ledger.Reused.class);

        MigrationDecision decision = decision(ledger, "vm-k", "kvm-a1");
        MigrationJob job = ledger.admit(decision, (Ledger.Claimed) alice, now).orElseThrow();
        assertThat(ledger.claimKey("alice", "k", "h1", now, lease))
                .isEqualTo(new Ledger.Answered(202, decision.id(), job.id()));

        Ledger.Claimed abandoned = (Ledger.Claimed) ledger.claimKey("carol", "k", "h1", now, lease);
        assertThat(ledger.claimKey("carol", "k", "h1", lease.minusSeconds(1), lease.plusSeconds(90)))
                .as("within the lease").isInstanceOf(Ledger.InFlight.class);
        Ledger.KeyClaim retry = ledger.claimKey("carol", "k", "h1", lease.plusSeconds(1), lease.plusSeconds(91));
        assertThat(retry).as("after the lease: the retry takes the key over").isInstanceOf(Ledger.Claimed.class);
        assertThatThrownBy(() -> ledger.admit(decision(ledger, "vm-c", "kvm-a1"), abandoned, now))
                .as("the attempt that lost its lease cannot answer").isInstanceOf(MigrationException.class);
        assertThat(ledger.activeFor(JobMachine.uuidOf("vm-c"))).as("and queued nothing").isEmpty();

        ledger.releaseKey((Ledger.Claimed) retry);
        assertThat(ledger.claimKey("carol", "k", "h2", now, lease)).as("a released key is free again")
                .isInstanceOf(Ledger.Claimed.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void pagesAndFilters(Database db) {
        Ledger ledger = ledger(db);
        for (int i = 0; i < 5; i++) {
            MigrationJob job = queue(ledger, "page-" + i, "kvm-b1");
            ledger.claimDispatchable("r", 8, 8, clock.instant());
            ledger.end(job.id(), i % 2 == 0 ? JobState.SUCCEEDED : JobState.FAILED, null, null, clock.instant());
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

    /**
     * A destination XML may be a megabyte. Kept inside a job's parameters, every list of jobs and every dispatcher scan
     * of the queue read it: 200 such jobs listed or queued were hundreds of megabytes of heap per request or tick.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aDestinationXmlIsReadOnlyToSendIt(Database db) {
        Ledger ledger = ledger(db);
        String xml = "<domain><name>vm-x</name><!--" + "x".repeat(1024 * 1024) + "--></domain>";
        MigrationDecision plain = decision(ledger, "vm-x", "kvm-a1");
        MigrationJob queued = ledger.admit(new MigrationDecision(plain.record(), plain.plan().withDestinationXml(xml),
                plain.options()), null, clock.instant()).orElseThrow();
        MigrationJob waiting = queue(ledger, "vm-y", "kvm-a1");

        assertThat(JdbcClient.create(db.dataSource()).sql("SELECT MAX(LENGTH(parameters_json)) FROM migration_jobs")
                .query(Integer.class).single()).as("the parameters, without the XML").isLessThan(1024);
        MigrationJob listed = ledger.list(null, null, null, null, 10).stream()
                .filter(j -> j.id().equals(queued.id())).findFirst().orElseThrow();
        assertThat(listed.plan().destinationXml()).as("not read to list it").isNull();
        assertThat(listed.sendsDestinationXml()).isTrue();
        assertThat(ledger.find(waiting.id()).orElseThrow().sendsDestinationXml()).isFalse();
        assertThat(ledger.find(queued.id()).orElseThrow().plan().destinationXml()).isEqualTo(xml);
        List<MigrationJob> claimed = ledger.claimDispatchable("r", 1, 8, clock.instant());
        assertThat(claimed).as("one per host").hasSize(1);
        assertThat(claimed.get(0).plan().destinationXml()).as("the job to run, whole").isEqualTo(xml);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void retentionPurgesOldKeysEndedJobsAndTheirDecisionsButNeverAnActiveJob(Database db) {
        Ledger ledger = ledger(db);
        MigrationJob old = queue(ledger, "vm-old", "kvm-a1");
        ledger.claimDispatchable("r", 8, 8, clock.instant());
        ledger.end(old.id(), JobState.SUCCEEDED, null, null, clock.instant());
        MigrationJob stillQueued = queue(ledger, "vm-waiting", "kvm-a2");
        ledger.claimKey("alice", "old-key", "h", clock.instant(), clock.instant().plusSeconds(90));
        clock.advance(java.time.Duration.ofDays(31));
        MigrationJob recent = queue(ledger, "vm-new", "kvm-b1");

        Ledger.Purged purged = ledger.purge(clock.instant().minus(java.time.Duration.ofDays(30)));

        assertThat(purged).isEqualTo(new Ledger.Purged(1, 1, 1));
        assertThat(ledger.find(old.id())).isEmpty();
        assertThat(ledger.decision(old.decisionId())).isEmpty();
        assertThat(ledger.find(stillQueued.id())).as("active jobs stay, however old").isPresent();
        assertThat(ledger.decision(stillQueued.decisionId())).isPresent();
        assertThat(ledger.find(recent.id())).isPresent();
        assertThat(ledger.claimKey("alice", "old-key", "other", clock.instant(), clock.instant().plusSeconds(90)))
                .as("the purged key is free").isInstanceOf(Ledger.Claimed.class);
    }

    private MigrationJob queue(Ledger ledger, String domain, String source) {
        return ledger.admit(decision(ledger, domain, source), null, clock.instant()).orElseThrow();
    }

    private MigrationDecision decision(Ledger ledger, String domain, String source) {
        return JobMachine.decision(domain, source, io.migrationgatekeeper.policy.Decision.ALLOWED, "test",
                MigrationOptions.DEFAULTS, clock.instant());
    }
}
