package io.migrationgatekeeper.policy;

/** The request itself is inconsistent (not a verdict): the caller must fix it. */
public class InvalidMigrationRequestException extends RuntimeException {

    private final String parameter;

    public InvalidMigrationRequestException(String parameter, String message) {
        super(parameter + ": " + message);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
