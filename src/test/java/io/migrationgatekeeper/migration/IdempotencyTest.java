package io.migrationgatekeeper.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migrationgatekeeper.policy.Decision;
import io.migrationgatekeeper.policy.InvalidMigrationRequestException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Idempotency-Key semantics of {@link Migrations#request}, with the decider stubbed and the ledger real: keys are
 * each caller's own, a replay answers from the ledger, and a key whose first request never answered is not lost.
 */
class IdempotencyTest {

    private final JobMachine machine = new JobMachine();
    private final AtomicInteger decided = new AtomicInteger();
    /** Decides {@code body.domain()}: denied when the domain is named "denied-…", else approved. */
    private final Decider decider = new Decider(null, null, machine.clock) {
        @Override
        MigrationDecision decide(MigrationRequestJson body, String requester, String requestId) {
            decided.incrementAndGet();
            if (body.domain().startsWith("bad")) {
                throw new InvalidMigrationRequestException("domain", "bad");
            }
            machine.gateway.place("kvm-a", JobMachine.uuidOf(body.domain()), MigrationGateway.Presence.RUNNING);
            return machine.decision(body.domain(), body.domain().startsWith("denied") ? Decision.DENIED : Decision.ALLOWED,
                    requester, requestId, MigrationOptions.DEFAULTS);
        }
    };
    private final Migrations migrations = machine.migrations(decider);

    @Test
    void aRetryWithTheSameKeyAndBodyGetsTheFirstAnswerWithoutASecondDecision() {
        Migrations.Outcome first = migrations.request(body("vm-1"), "hash-1", "change-4711", "alice", "req-first");
        Migrations.Outcome retry = migrations.request(body("vm-1"), "hash-1", "change-4711", "alice", "req-retry");

        assertThat(first.replayed()).isFalse();
        assertThat(retry.replayed()).isTrue();
        assertThat(((Migrations.Approved) retry).job().id()).isEqualTo(((Migrations.Approved) first).job().id());
        assertThat(((Migrations.Approved) retry).job().requestId()).as("the job is the first request's")
                .isEqualTo("req-first");
        assertThat(decided).hasValue(1);
        assertThat(machine.jdbc.sql("SELECT COUNT(*) FROM decisions").query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void aDenialIsReplayedFromItsDecisionRecord() {
        Migrations.Outcome first = migrations.request(body("denied-1"), "hash-1", "k", "alice", "req-alice");
        Migrations.Outcome retry = migrations.request(body("denied-1"), "hash-1", "k", "alice", "req-alice");

        assertThat(retry).isInstanceOf(Migrations.Denied.class);
        assertThat(retry.replayed()).isTrue();
        assertThat(((Migrations.Denied) retry).decision()).isEqualTo(((Migrations.Denied) first).decision());
        assertThat(decided).hasValue(1);
    }

    /** Issue 9, defect 4: bob reusing alice's key got alice's job replayed (and learnt the key was in use). */
    @Test
    void anotherCallersSameKeyIsAnotherKey() {
        Migrations.Approved alices = (Migrations.Approved) migrations.request(body("vm-alice"), "hash-a", "k", "alice",
                "req-alice");

        Migrations.Outcome bobs = migrations.request(body("vm-bob"), "hash-b", "k", "bob", "req-bob");

        assertThat(bobs.replayed()).isFalse();
        assertThat(((Migrations.Approved) bobs).job().id()).isNotEqualTo(alices.job().id());
        assertThat(((Migrations.Approved) bobs).job().requester()).isEqualTo("bob");
        assertThat(decided).hasValue(2);
    }

    @Test
    void theSameKeyWithAnotherBodyIsRefused() {
        migrations.request(body("vm-1"), "hash-1", "k", "alice", "req-alice");

        assertThatThrownBy(() -> migrations.request(body("vm-2"), "hash-2", "k", "alice", "req-alice"))
                .isInstanceOf(MigrationException.class)
                .extracting(e -> ((MigrationException) e).reason()).isEqualTo(MigrationException.Reason.KEY_REUSED);
    }

    @Test
    void aRequestThatWasNotDecidedLeavesItsKeyFreeForARetry() {
        assertThatThrownBy(() -> migrations.request(body("bad-1"), "hash-1", "k", "alice", "req-alice"))
                .isInstanceOf(InvalidMigrationRequestException.class);

        assertThat(migrations.request(body("bad-1".replace("bad", "vm")), "hash-1", "k", "alice", "req-alice").replayed()).isFalse();
    }

    /**
     * Issue 9, defect 4: a key claimed by a request that never answered (its process was killed between claim and
     * answer) made every retry a 409 forever. Its lease runs out, and a retry takes the key over.
     */
    @Test
    void aKeyWhoseFirstRequestNeverAnsweredIsTakenOverOnceItsLeaseRunsOut() {
        machine.ledger.claimKey("alice", "k", "hash-1", machine.clock.instant(), machine.clock.instant().plusSeconds(90));

        assertThatThrownBy(() -> migrations.request(body("vm-1"), "hash-1", "k", "alice", "req-alice"))
                .isInstanceOf(MigrationException.class)
                .extracting(e -> ((MigrationException) e).reason()).isEqualTo(MigrationException.Reason.KEY_IN_FLIGHT);

        machine.clock.advance(Duration.ofSeconds(91));
        Migrations.Outcome retry = migrations.request(body("vm-1"), "hash-1", "k", "alice", "req-alice");

        assertThat(retry).isInstanceOf(Migrations.Approved.class);
        assertThat(retry.replayed()).isFalse();
        assertThat(migrations.request(body("vm-1"), "hash-1", "k", "alice", "req-alice").replayed()).isTrue();
    }

    private static MigrationRequestJson body(String domain) {
        return new MigrationRequestJson(domain, "kvm-a", "kvm-b", null, null, null, null, null, null);
    }
}
