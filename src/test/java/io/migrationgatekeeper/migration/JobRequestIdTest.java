package io.migrationgatekeeper.migration;

import static io.migrationgatekeeper.migration.JobMachine.uuidOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.policy.Decision;
import io.migrationgatekeeper.problem.RequestIds;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * Issue 12: a migration's decision and job keep the id of the request that asked for them, and the engine works on
 * the job under that id (the MDC), on whichever thread and replica, so the background migration's log lines carry
 * the id of the POST. StructuredLoggingIT shows the log lines themselves.
 */
class JobRequestIdTest {

    private final JobMachine machine = new JobMachine();
    private final JobEngine engine = machine.engine("replica-1");

    @Test
    void theLedgerKeepsTheRequestIdWithTheDecisionAndTheJob() {
        MigrationJob job = admit("vm-1", "req-4711");

        assertThat(machine.job(job.id()).requestId()).isEqualTo("req-4711");
        assertThat(machine.ledger.decision(job.decisionId()).orElseThrow().requestId()).isEqualTo("req-4711");
        assertThat(MigrationView.of(machine.job(job.id()), null).requestId()).isEqualTo("req-4711");
    }

    @Test
    void runningPollingAndReconcilingAJobHappenUnderItsRequestIdAndLeaveTheThreadAsItWas() throws Exception {
        MigrationJob job = admit("vm-1", "req-4711");
        MigrationJob claimed = engine.claim().get(0);

        CompletableFuture<String> afterRun = CompletableFuture.supplyAsync(() -> {
            MDC.put(RequestIds.MDC_KEY, "what-the-thread-had");
            engine.run(claimed);
            return MDC.get(RequestIds.MDC_KEY);
        });
        machine.gateway.awaitMigrating(job.domainUuid());
        MDC.remove(RequestIds.MDC_KEY);
        engine.poll(job.id());
        assertThat(MDC.get(RequestIds.MDC_KEY)).as("the poller's thread is left as it was").isNull();
        machine.gateway.succeed(job.domainUuid(), "kvm-b");

        assertThat(afterRun.get(5, TimeUnit.SECONDS)).isEqualTo("what-the-thread-had");
        assertThat(machine.gateway.requestIds).containsExactly("migrate req-4711", "progress req-4711");
    }

    @Test
    void anAdoptedJobIsReconciledUnderItsRequestId() {
        MigrationJob job = admit("vm-1", "req-adopted");
        machine.engine("replica-gone").claim();
        machine.gateway.place("kvm-a", job.domainUuid(), MigrationGateway.Presence.MIGRATING);
        machine.clock.advance(Duration.ofMinutes(5));

        List<MigrationJob> adopted = engine.adoptOrphans();
        engine.reconcile(adopted.get(0));

        assertThat(machine.gateway.requestIds).isNotEmpty().allMatch(call -> call.endsWith(" req-adopted"));
        assertThat(MDC.get(RequestIds.MDC_KEY)).isNull();
    }

    /** A job from before the ledger kept ids must not run under the id another job left on a pooled thread. */
    @Test
    void aJobWithoutARequestIdRunsWithoutOne() throws Exception {
        MigrationJob job = admit("vm-1", null);
        MigrationJob claimed = engine.claim().get(0);

        CompletableFuture<Void> run = CompletableFuture.runAsync(() -> {
            MDC.put(RequestIds.MDC_KEY, "another-jobs-id");
            engine.run(claimed);
        });
        machine.gateway.awaitMigrating(job.domainUuid());
        machine.gateway.succeed(job.domainUuid(), "kvm-b");
        run.get(5, TimeUnit.SECONDS);

        assertThat(machine.gateway.requestIds).containsExactly("migrate -");
    }

    private MigrationJob admit(String domain, String requestId) {
        machine.gateway.place("kvm-a", uuidOf(domain), MigrationGateway.Presence.RUNNING);
        return machine.ledger.admit(machine.decision(domain, Decision.ALLOWED, "alice", requestId,
                MigrationOptions.DEFAULTS), null, machine.clock.instant()).orElseThrow();
    }
}
