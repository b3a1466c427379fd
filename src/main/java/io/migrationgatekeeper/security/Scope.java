package io.migrationgatekeeper.security;

import java.util.Arrays;
import java.util.Optional;

/** What a caller may do. A JWT carries them in its scope claim; an API key in its configuration. */
public enum Scope {
    /** {@code POST /v1/preflight}. */
    PREFLIGHT("preflight"),
    /** Create migrations, read them all, and cancel one's own. */
    MIGRATE("migrate"),
    /** Cancel any caller's migration (operators); {@code migrate} cancels only the caller's own. */
    CANCEL_ANY("cancel-any"),
    /** Use an unsafe override, in preflights and migrations. */
    OVERRIDE("override"),
    /**
     * {@code GET /v1/hosts}, {@code GET /v1/hosts/{name}/domains}, {@code GET /v1/policy}, {@code GET /v1/audit},
     * reading migrations and drains, and the components of {@code /actuator/health}.
     */
    READ("read");

    private final String value;

    Scope(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    String authority() {
        return "SCOPE_" + value;
    }

    /** Every scope as configuration writes it, for messages. */
    static String valid() {
        return String.join(", ", Arrays.stream(values()).map(Scope::value).toList());
    }

    static Optional<Scope> parse(String value) {
        return Arrays.stream(values()).filter(s -> s.value.equals(value)).findFirst();
    }
}
