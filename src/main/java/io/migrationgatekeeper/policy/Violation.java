package io.migrationgatekeeper.policy;

import java.util.List;
import java.util.stream.Collectors;

/** An unsafe or blocked disk, in the words libvirt would use, with what would make it safe. */
public record Violation(String disk, String source, ReasonCode reason, String message, String remedy) {

    /** The distinct reason codes, in order of first appearance: what logs and the ledger record. */
    public static List<String> reasonCodes(List<Violation> violations) {
        return violations.stream().map(v -> v.reason().name()).distinct().toList();
    }

    /** {@code vda: STORAGE_NOT_SHARED, vdb: CACHE_MODE_UNSAFE}: for a denial's one-line detail. */
    public static String summary(List<Violation> violations) {
        return violations.stream().map(v -> v.disk() + ": " + v.reason()).collect(Collectors.joining(", "));
    }
}
