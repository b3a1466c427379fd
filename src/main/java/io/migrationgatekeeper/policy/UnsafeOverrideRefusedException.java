package io.migrationgatekeeper.policy;

/**
 * The request carries an override the policy does not allow. Refused outright: evaluating it as if the
 * override were absent would answer a question the caller did not ask.
 */
public class UnsafeOverrideRefusedException extends RuntimeException {

    public UnsafeOverrideRefusedException(String message) {
        super(message);
    }
}
