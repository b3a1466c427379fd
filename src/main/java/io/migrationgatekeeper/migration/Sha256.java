package io.migrationgatekeeper.migration;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 in lower-case hex, as the ledger keeps it: a request body's hash for its Idempotency-Key, the hash that
 * ends a name too long for its column, a destination XML's digest.
 */
final class Sha256 {

    private Sha256() {
    }

    /** The hash of {@code parts}, one after the other. */
    static String hex(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                digest.update(part);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
