package io.migrationgatekeeper.migration;

import static io.migrationgatekeeper.migration.JobMachine.uuidOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migrationgatekeeper.configuration.InvalidConfigurationException;
import io.migrationgatekeeper.policy.Decision;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The job state machine (queue, run, cancel, timeout, heartbeat, orphans, reconcile) with libvirt faked and the
 * ledger real (in-memory H2, production's Flyway migrations): each case in milliseconds, where the lab needs a
 * minute. The lab tests show the same against real libvirt.
 */
class JobMachineTest {

    private final JobMachine machine = new JobMachine();
    private final JobEngine engine = machine.engine("replica-1");
    private CompletableFuture<Void> running;

    @AfterEach
    void endMigrations() throws Exception {
        if (running != null && !running.isDone()) {
            machine.gateway.succeed(uuidOf("vm-1"), "kvm-b");
            running.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aClaimedJobRunsToSuccessAndFreesItsDomain() throws Exception {
        MigrationJob queued = machine.queue("vm-1", MigrationOptions.DEFAULTS);

        MigrationJob claimed = claimAndRun();
        machine.gateway.succeed(uuidOf("vm-1"), "kvm-b");
        running.get(5, TimeUnit.SECONDS);

        assertThat(claimed.id()).isEqualTo(queued.id());
        MigrationJob done = machine.job(queued.id());
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.progress().downtimeMs()).as("the completed job's statistics").isEqualTo(20L);
        assertThat(machine.ledger.activeFor(uuidOf("vm-1"))).isEmpty();
        assertThat(machine.events(MigrationEnded.class)).singleElement()
                .satisfies(e -> assertThat(e.outcome()).isEqualTo(JobState.SUCCEEDED));
        assertThat(machine.gateway.calls).contains("migrate kvm-a " + uuidOf("vm-1") + " 27");
    }

    @Test
    void aMigrationLibvirtRefusesEndsFailedWithLibvirtsCodeAndWords() throws Exception {
        MigrationJob queued = machine.queue("vm-1", MigrationOptions.DEFAULTS);
        claimAndRun();

        machine.gateway.fail(uuidOf("vm-1"), "kvm-a", "VIR_ERR_MIGRATE_UNSAFE", "Unsafe migration: Migration without"
                + " shared storage is unsafe");
        running.get(5, TimeUnit.SECONDS);

        MigrationJob done = machine.job(queued.id());
        assertThat(done.state()).isEqualTo(JobState.FAILED);
        assertThat(done.error()).isEqualTo(new MigrationJob.JobError("VIR_ERR_MIGRATE_UNSAFE",
                "Unsafe migration: Migration without shared storage is unsafe"));
    }

    @Test
    void aQueuedJobIsCancelledWithoutLibvirtAndItsDomainFreed() {
        MigrationJob queued = machine.queue("vm-1", MigrationOptions.DEFAULTS);

        MigrationView cancelled = machine.migrations(null).cancel(queued.id(), "test", false);

        assertThat(cancelled.state()).isEqualTo("CANCELLED");
        assertThat(machine.ledger.activeFor(uuidOf("vm-1"))).isEmpty();
        assertThat(engine.claim()).as("nothing left to dispatch").isEmpty();
        assertThat(machine.gateway.calls).isEmpty();
        assertThatThrownBy(() -> machine.migrations(null).cancel(queued.id(), "test", false)).isInstanceOf(MigrationException.class)
                .extracting(e -> ((MigrationException) e).reason()).isEqualTo(MigrationException.Reason.ENDED);
    }

    /** A caller cancels its own jobs; another caller's job only with the cancel-any scope. */
    @Test
    void anotherCallersJobIsCancelledOnlyWithCancelAny() {
        MigrationJob queued = machine.queue("vm-1", MigrationOptions.DEFAULTS);

        assertThatThrownBy(() -> machine.migrations(null).cancel(queued.id(), "someone-else", false))
                .isInstanceOf(MigrationException.class)
                .extracting(e -> ((MigrationException) e).reason()).isEqualTo(MigrationException.Reason.NOT_YOURS);
        assertThat(machine.job(queued.id()).state()).as("untouched").isEqualTo(JobState.QUEUED);

        MigrationView cancelled = machine.migrations(null).cancel(queued.id(), "operator", true);
        assertThat(cancelled.state()).isEqualTo("CANCELLED");
    }

    /**
     * Issue 9, defect 6: cancel read QUEUED, the dispatcher claimed the job, and cancel's update then marked the
     * running job CANCELLED and freed its domain while libvirt kept migrating. The dispatcher is made to claim
     * exactly between cancel's read and its transition.
     */
    @Test
    void aCancelThatLosesTheRaceToTheDispatcherAbortsTheRunningJobInstead() throws Exception {
        MigrationJob queued = machine.queue("vm-1", MigrationOptions.DEFAULTS);
        JobEngine dispatcher = machine.engine("replica-2");
        Runnable[] betweenReadAndTransition = {() -> {
            List<MigrationJob> claimed = dispatcher.claim();
            running = CompletableFuture.runAsync(() -> dispatcher.run(claimed.get(0)));
        }};
        Ledger racing = new Ledger(JdbcClient.create(machine.dataSource),
                new TransactionTemplate(new DataSourceTransactionManager(machine.dataSource)), JsonMapper.builder().build(),
                machine.health) {
            @Override
            Optional<MigrationJob> find(String id) {
                Optional<MigrationJob> read = super.find(id);
                Runnable claim = betweenReadAndTransition[0];
                betweenReadAndTransition[0] = null;
                if (claim != null) {
                    claim.run();
                }
                return read;
            }
        };
        machine.gateway.abortIgnored = true; // libvirt is slow to act on the abort: the migration goes on meanwhile
        Migrations migrations = new Migrations(null, racing, null, machine.gateway, machine.inventory,
                machine.events::add, machine.clock);

        MigrationView answer = migrations.cancel(queued.id(), "test", false);

        assertThat(answer.state()).as("still migrating in libvirt").isEqualTo("RUNNING");
        assertThat(answer.cancelRequested()).isTrue();
        assertThat(machine.gateway.count("abort")).as("the abort went to libvirt").isEqualTo(1);
        assertThat(machine.ledger.activeFor(uuidOf("vm-1"))).as("the domain stays taken while it migrates").isPresent();
        assertThatThrownBy(() -> machine.ledger.admit(machine.approved("vm-1", MigrationOptions.DEFAULTS), null,
                machine.clock.instant())).as("a second job for the domain").isInstanceOf(MigrationException.class)
                .extracting(e -> ((MigrationException) e).reason()).isEqualTo(MigrationException.Reason.CONFLICT);
    }

    @Test
    void cancellingARunningJobAbortsItInLibvirtAndItEndsCancelled() throws Exception {
        MigrationJob queued = machine.queue("vm-1", MigrationOptions.DEFAULTS);
        claimAndRun();

        machine.migrations(null).cancel(queued.id(), "test", false);
        running.get(5, TimeUnit.SECONDS);

        MigrationJob done = machine.job(queued.id());
        assertThat(done.state()).isEqualTo(JobState.CANCELLED);
        assertThat(done.error().code()).isEqualTo("VIR_ERR_OPERATION_ABORTED");
        assertThat(machine.gateway.on("kvm-a", uuidOf("vm-1"))).as("the guest stays on the source")
                .isEqualTo(MigrationGateway.Presence.RUNNING);
    }

    @Test
    void aCancelTheSourceDoesNotHearIsDeliveredByTheJobsNextPoll() throws Exception {
        MigrationJob queued = machine.queue("vm-1", MigrationOptions.DEFAULTS);
        claimAndRun();
        machine.gateway.unreachable = true;

        MigrationView answer = machine.migrations(null).cancel(queued.id(), "test", false);
        assertThat(answer.cancelRequested()).isTrue();
        assertThat(machine.job(queued.id()).state()).isEqualTo(JobState.RUNNING);

        machine.gateway.unreachable = false;
        engine.poll(queued.id());
        running.get(5, TimeUnit.SECONDS);
        assertThat(machine.job(queued.id()).state()).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void aJobOverItsTimeoutIsAbortedAndEndsFailedTimeout() throws Exception {
        MigrationOptions fiveSeconds = new MigrationOptions(true, true, null, null, false, false, false, false, 5);
        MigrationJob queued = machine.queue("vm-1", fiveSeconds);
        claimAndRun();

        engine.poll(queued.id());
        assertThat(machine.gateway.count("abort")).as("within its time").isZero();
        assertThat(machine.job(queued.id()).progress().memoryProcessed()).isEqualTo(40L);
        machine.clock.advance(Duration.ofSeconds(6));
        engine.poll(queued.id());
        running.get(5, TimeUnit.SECONDS);

        MigrationJob done = machine.job(queued.id());
        assertThat(done.state()).isEqualTo(JobState.FAILED);
        assertThat(done.error().code()).isEqualTo("TIMEOUT");
        assertThat(done.error().message()).contains("5 s", "canceled by client");
    }

    /**
     * Issue 9, defect 7: a poll blocked on a slow host (up to call-timeout) used to hold back the heartbeat, and a
     * replica adopted a job that was still watched. The heartbeat touches only the ledger.
     */
    @Test
    void aPollWaitingOnASlowHostNeverLetsTheJobLookOrphaned() throws Exception {
        MigrationJob queued = machine.queue("vm-1", MigrationOptions.DEFAULTS);
        claimAndRun();
        CountDownLatch host = new CountDownLatch(1);
        machine.gateway.slowProgress = host;
        CompletableFuture<Void> poll = CompletableFuture.runAsync(() -> engine.poll(queued.id()));
        JobEngine other = machine.engine("replica-2");

        machine.clock.advance(machine.properties.orphanAfter().plusSeconds(1));
        engine.heartbeat();

        assertThat(poll).as("the poll still waits on the host").isNotDone();
        assertThat(other.adoptOrphans()).as("adopted by another replica").isEmpty();
        host.countDown();
        poll.get(5, TimeUnit.SECONDS);
        machine.gateway.slowProgress = null;

        machine.clock.advance(machine.properties.orphanAfter().plusSeconds(1));
        assertThat(other.adoptOrphans()).as("once its replica really goes silent").extracting(MigrationJob::id)
                .containsExactly(queued.id());
    }

    @Test
    void startUpRefusesAnOrphanAfterThatASlowCallCouldExceed() {
        machine.gateway.callTimeout = Duration.ofSeconds(30);
        MigrationProperties tooShort = new MigrationProperties(1, 8, Duration.ofMillis(500), Duration.ofSeconds(30),
                org.springframework.util.unit.DataSize.ofMegabytes(1));

        assertThatThrownBy(() -> new JobScheduler(machine.ledger, machine.gateway, machine.inventory, tooShort,
                new LedgerProperties(Duration.ofDays(30), false), machine.events::add, machine.clock))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("gatekeeper.migrations.orphan-after")
                .hasMessageContaining("gatekeeper.libvirt.call-timeout");
    }

    @Test
    void anOrphanLibvirtStillMigratesIsWatchedToItsEndByTheReplicaThatAdoptsIt() {
        MigrationJob queued = machine.queue("vm-1", MigrationOptions.DEFAULTS);
        machine.engine("crashed").claim(); // claimed, then the replica died: libvirt migrates on
        machine.gateway.place("kvm-a", uuidOf("vm-1"), MigrationGateway.Presence.MIGRATING);
        machine.clock.advance(machine.properties.orphanAfter().plusSeconds(1));

        List<MigrationJob> adopted = engine.adoptOrphans();
        assertThat(adopted).extracting(MigrationJob::id).containsExactly(queued.id());
        engine.reconcile(adopted.get(0));
        engine.poll(queued.id());
        assertThat(machine.job(queued.id()).state()).isEqualTo(JobState.RUNNING);
        assertThat(machine.job(queued.id()).owner()).isEqualTo("replica-1");
        assertThat(machine.job(queued.id()).progress()).isNotNull();

        machine.gateway.place("kvm-a", uuidOf("vm-1"), MigrationGateway.Presence.ABSENT);
        machine.gateway.place("kvm-b", uuidOf("vm-1"), MigrationGateway.Presence.RUNNING);
        engine.poll(queued.id());

        assertThat(machine.job(queued.id()).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(engine.watched()).isEmpty();
    }

    @Test
    void anOrphanWhoseDomainIsBackOnTheSourceEndsFailedInterrupted() {
        MigrationJob queued = machine.queue("vm-1", MigrationOptions.DEFAULTS);
        machine.engine("crashed").claim();
        machine.clock.advance(machine.properties.orphanAfter().plusSeconds(1));

        engine.adoptOrphans().forEach(engine::reconcile);

        MigrationJob done = machine.job(queued.id());
        assertThat(done.state()).isEqualTo(JobState.FAILED);
        assertThat(done.error().code()).isEqualTo("INTERRUPTED");
        assertThat(done.error().message()).contains("still on kvm-a");
    }

    @Test
    void anOrphanWhoseHostDoesNotAnswerStaysAnOrphanForTheNextRound() {
        MigrationJob queued = machine.queue("vm-1", MigrationOptions.DEFAULTS);
        machine.engine("crashed").claim();
        machine.clock.advance(machine.properties.orphanAfter().plusSeconds(1));
        machine.gateway.unreachable = true;

        engine.adoptOrphans().forEach(engine::reconcile);

        assertThat(machine.job(queued.id()).state()).isEqualTo(JobState.RUNNING);
        machine.gateway.unreachable = false;
        machine.clock.advance(machine.properties.orphanAfter().plusSeconds(1));
        engine.adoptOrphans().forEach(engine::reconcile);
        assertThat(machine.job(queued.id()).state()).isEqualTo(JobState.FAILED);
    }

    @Test
    void aDeniedDecisionIsRecordedWithoutAJob() {
        MigrationDecision denied = machine.decision("vm-1", Decision.DENIED, "test", MigrationOptions.DEFAULTS);

        assertThat(machine.ledger.admit(denied, null, machine.clock.instant())).isEmpty();

        DecisionRecord stored = machine.ledger.decision(denied.id()).orElseThrow();
        assertThat(stored.evaluation().live().violations()).singleElement()
                .satisfies(v -> assertThat(v.reason()).isEqualTo("STORAGE_NOT_SHARED"));
        assertThat(engine.claim()).isEmpty();
    }

    private MigrationJob claimAndRun() throws InterruptedException {
        List<MigrationJob> claimed = engine.claim();
        assertThat(claimed).hasSize(1);
        running = CompletableFuture.runAsync(() -> engine.run(claimed.get(0)));
        machine.gateway.awaitMigrating(claimed.get(0).domainUuid());
        return claimed.get(0);
    }
}
