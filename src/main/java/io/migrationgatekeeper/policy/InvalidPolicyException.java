package io.migrationgatekeeper.policy;

/** A policy declaration that cannot be applied; {@link #field()} names the offending field within it. */
public class InvalidPolicyException extends RuntimeException {

    private final String field;

    public InvalidPolicyException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
