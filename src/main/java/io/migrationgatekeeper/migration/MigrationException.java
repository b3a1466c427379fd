package io.migrationgatekeeper.migration;

import java.util.LinkedHashMap;
import java.util.Map;

/** A migration request or command the job machine refuses, in its own words; the web layer maps the reason. */
final class MigrationException extends RuntimeException {

    enum Reason {
        /** Another job of the domain is active. */
        CONFLICT,
        NOT_FOUND,
        /** A cancel for a job that has already ended. */
        ENDED,
        /** A cancel for another caller's job, by a caller that may cancel only its own. */
        NOT_YOURS,
        /** The caller's Idempotency-Key was first used with another body. */
        KEY_REUSED,
        /** The first request with the caller's Idempotency-Key is still being decided. */
        KEY_IN_FLIGHT,
        DRAIN_NOT_FOUND,
        /** A cancel for a drain none of whose jobs is still queued or running. */
        DRAIN_ENDED
    }

    private final Reason reason;
    private final Map<String, Object> details = new LinkedHashMap<>();

    MigrationException(Reason reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    MigrationException with(String name, Object value) {
        details.put(name, value);
        return this;
    }

    Reason reason() {
        return reason;
    }

    Map<String, Object> details() {
        return details;
    }

    static MigrationException notFound(String id) {
        String shown = id.length() > 64 ? id.substring(0, 64) + "…" : id;
        return new MigrationException(Reason.NOT_FOUND, "no migration with id " + shown);
    }
}
