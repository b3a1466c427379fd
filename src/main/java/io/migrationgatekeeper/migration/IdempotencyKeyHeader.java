package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.policy.InvalidMigrationRequestException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.List;

/** The {@code Idempotency-Key} header of the endpoints that start work, read the one way they all read it. */
final class IdempotencyKeyHeader {

    static final String NAME = "Idempotency-Key";

    private IdempotencyKeyHeader() {}

    /** The caller's key, or null when none was sent. */
    static String of(HttpServletRequest http) {
        List<String> values = Collections.list(http.getHeaders(NAME));
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            // Spring would join them with commas: which one the caller meant is unknown.
            throw new InvalidMigrationRequestException(NAME, "is given more than once; send one");
        }
        String key = values.get(0);
        if (key.isBlank() || key.length() > 200) {
            throw new InvalidMigrationRequestException(NAME, "must be 1 to 200 characters");
        }
        return key;
    }
}
