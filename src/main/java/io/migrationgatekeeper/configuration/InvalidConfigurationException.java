package io.migrationgatekeeper.configuration;

/** A configuration property the service cannot run with, by its full name. */
public class InvalidConfigurationException extends RuntimeException {

    private final String property;

    public InvalidConfigurationException(String property, String message) {
        super(property + ": " + message);
        this.property = property;
    }

    public String property() {
        return property;
    }

    public String reason() {
        return getMessage().substring(property.length() + 2);
    }
}
