package io.migrationgatekeeper.migration;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * An Idempotency-Key on a command (a migration request, a drain): the caller's retry gets the first request's
 * answer instead of a second command; another caller's identical key is another key. A command that fails before
 * it is answered (bad input, a host down) leaves the key free for a retry.
 */
final class IdempotencyKeys {

    private IdempotencyKeys() {}

    /**
     * @param lease  how long the first request may take before a retry may take the key over
     * @param doing  what the first request is doing, for the in-flight refusal ("decided", "planned")
     * @param replay the answer to a retry, from what the first request answered
     * @param first  the command itself, answering the claim in its ledger transaction
     */
    static <T> T once(Ledger ledger, Instant now, Duration lease, String caller, String key, String bodyHash,
            String doing, Function<Ledger.Answered, T> replay, Function<Ledger.Claimed, T> first) {
        Ledger.KeyClaim claim = ledger.claimKey(caller, key, bodyHash, now, now.plus(lease));
        if (claim instanceof Ledger.Reused) {
            throw reused(key);
        }
        if (claim instanceof Ledger.InFlight) {
            throw new MigrationException(MigrationException.Reason.KEY_IN_FLIGHT, "the first request with"
                    + " Idempotency-Key '" + key + "' is still being " + doing + "; retry shortly");
        }
        if (claim instanceof Ledger.Answered answered) {
            return replay.apply(answered);
        }
        Ledger.Claimed claimed = (Ledger.Claimed) claim;
        try {
            return first.apply(claimed);
        } catch (RuntimeException e) {
            try {
                ledger.releaseKey(claimed);
            } catch (RuntimeException release) {
                // The lease runs out by itself.
                e.addSuppressed(release);
            }
            throw e;
        }
    }

    static MigrationException reused(String key) {
        return new MigrationException(MigrationException.Reason.KEY_REUSED, "Idempotency-Key '" + key
                + "' was first used for a different request body");
    }
}
