package io.migrationgatekeeper.policy;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The source hosts a storage declaration applies to, as globs ({@code *} any run of characters, {@code ?}
 * one character). Mount points differ between clusters, so a declaration may hold only for some hosts.
 */
record HostScope(List<String> globs, List<Pattern> patterns) {

    static final HostScope EVERYWHERE = new HostScope(List.of(), List.of());

    static HostScope of(List<String> globs) {
        if (globs == null || globs.isEmpty()) {
            return EVERYWHERE;
        }
        for (String glob : globs) {
            if (glob == null || glob.isBlank()) {
                throw new InvalidPolicyException("hosts", "contains an empty host glob");
            }
        }
        return new HostScope(List.copyOf(globs), globs.stream().map(HostScope::compile).toList());
    }

    private static Pattern compile(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    /** An unscoped declaration always applies; a scoped one only to a named source host matching a glob. */
    boolean appliesTo(String sourceHost) {
        if (patterns.isEmpty()) {
            return true;
        }
        return sourceHost != null && patterns.stream().anyMatch(p -> p.matcher(sourceHost).matches());
    }

    boolean scoped() {
        return !globs.isEmpty();
    }
}
