package io.migrationgatekeeper.migration;

import java.nio.charset.StandardCharsets;

/**
 * A caller's or a domain's name as the ledger keeps it, in a column of fixed width. Neither is bounded where it comes
 * from: a JWT subject is the identity provider's choice, and libvirt's test driver (and a transient domain) takes a
 * name of any length. A name that fits is kept as it is; a longer one (or one that ends like a digested one) as its
 * start, {@code "…sha256:"} and the SHA-256 of the whole name. So distinct names stay distinct (a caller's idempotency
 * keys and jobs stay its own), the same name always maps to the same text, and a query by the full name finds what it
 * stored.
 */
final class LedgerName {

    /** {@code requester} of decisions and jobs, {@code caller} of idempotency claims (V1, V2). */
    static final int CALLER_WIDTH = 200;

    /** {@code domain_name} of decisions and jobs (V1). */
    static final int DOMAIN_WIDTH = 255;

    private static final String MARK = "…sha256:";
    private static final int DIGEST = MARK.length() + 64;

    private LedgerName() {}

    static String caller(String name) {
        return fit(name, CALLER_WIDTH);
    }

    static String domain(String name) {
        return fit(name, DOMAIN_WIDTH);
    }

    /**
     * {@code name} if it fits in {@code width} characters, else its start and its digest, at most {@code width}
     * long. A name that ends like a digested one is digested too, so no caller can take another's place by calling
     * itself by the other's ledger name.
     */
    static String fit(String name, int width) {
        if (name == null || name.length() <= width && !digested(name)) {
            return name;
        }
        int keep = Math.min(name.length(), width) - DIGEST;
        if (keep > 0 && Character.isHighSurrogate(name.charAt(keep - 1))) {
            keep--; // never half a character: PostgreSQL would refuse the text
        }
        return name.substring(0, keep) + MARK + Sha256.hex(name.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean digested(String name) {
        int at = name.length() - DIGEST;
        if (at < 0 || !name.startsWith(MARK, at)) {
            return false;
        }
        for (int i = at + MARK.length(); i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }
}
