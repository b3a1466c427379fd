package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.policy.InvalidMigrationRequestException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** An opaque page cursor: clients pass back what they were given, nothing else. */
final class MigrationCursor {

    private MigrationCursor() {}

    static String after(long seq) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("seq:" + seq).getBytes(StandardCharsets.UTF_8));
    }

    static Long parse(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (text.startsWith("seq:")) {
                return Long.parseLong(text.substring(4));
            }
        } catch (IllegalArgumentException bad) {
            // falls through
        }
        throw new InvalidMigrationRequestException("cursor", "is not a cursor this API gave out");
    }
}
