package io.migrationgatekeeper.security;

import java.util.function.Predicate;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * The characters Spring Security's {@link StrictHttpFirewall} allows in header names and values and in parameter
 * names, decided per code point instead of by its regular expressions ({@code [\p{IsAssigned}&&[^\p{IsControl}]]*},
 * with a tab also allowed in header values). The firewall runs its expression on every header and parameter a
 * request reads: 1% to 6% of a preflight's CPU in two profiles (README "Performance"). Printable ASCII, nearly every
 * character of a real request, is decided by one comparison. {@code FirewallCharactersTest} holds both predicates to
 * the expressions over every code point.
 */
final class FirewallCharacters {

    /** Header and parameter names: assigned code points, no control characters. */
    static final Predicate<String> NAME = text -> allowed(text, false);

    /** Header values: the same, and a horizontal tab. */
    static final Predicate<String> HEADER_VALUE = text -> allowed(text, true);

    private FirewallCharacters() {}

    static StrictHttpFirewall firewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowedHeaderNames(NAME);
        firewall.setAllowedHeaderValues(HEADER_VALUE);
        firewall.setAllowedParameterNames(NAME);
        return firewall;
    }

    private static boolean allowed(String text, boolean tab) {
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (c >= 0x20 && c < 0x7F) {
                i++;
                continue;
            }
            int type = Character.getType(c);
            if (type == Character.UNASSIGNED || type == Character.CONTROL && !(tab && c == '\t')) {
                return false;
            }
            i += Character.charCount(c);
        }
        return true;
    }
}
