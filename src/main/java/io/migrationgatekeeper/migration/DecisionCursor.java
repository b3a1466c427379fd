package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.policy.InvalidMigrationRequestException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * The opaque page cursor of {@code GET /v1/decisions}: the last row's {@code (decided_at, id)}, which orders the
 * ledger's decisions totally (several may share a microsecond).
 */
final class DecisionCursor {

    record Position(Instant decidedAt, String id) {}

    private static final String PREFIX = "decision:";

    /**
     * The instants the ledger can hold and compare: a timestamp column takes years 1 to 9999 on H2 and PostgreSQL
     * alike, and {@code OffsetDateTime} cannot even be made of {@link Instant}'s extremes. A {@code since} or a
     * cursor outside them is the caller's mistake, not a query to send.
     */
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    static boolean storable(Instant at) {
        return !at.isBefore(EARLIEST) && !at.isAfter(LATEST);
    }

    private DecisionCursor() {}

    static String after(DecisionRecord last) {
        Instant at = last.decidedAt();
        String text = PREFIX + at.getEpochSecond() + ":" + at.getNano() + ":" + last.id();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static Position parse(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        if (cursor.length() <= 200) {
            try {
                String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                if (text.startsWith(PREFIX)) {
                    String[] parts = text.substring(PREFIX.length()).split(":", 3);
                    if (parts.length == 3) {
                        Instant at = Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
                        if (storable(at)) {
                            return new Position(at, UUID.fromString(parts[2]).toString());
                        }
                    }
                }
            } catch (IllegalArgumentException | java.time.DateTimeException bad) {
                // falls through: NumberFormatException is an IllegalArgumentException too
            }
        }
        throw new InvalidMigrationRequestException("cursor", "is not a cursor this API gave out");
    }
}
