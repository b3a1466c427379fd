package io.migrationgatekeeper.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@link FirewallCharacters} against the regular expressions of Spring Security's StrictHttpFirewall it replaces. */
class FirewallCharactersTest {

    // Copied from StrictHttpFirewall (Spring Security 7.0): its defaults for names and for header values.
    private static final Pattern NAME = Pattern.compile("[\\p{IsAssigned}&&[^\\p{IsControl}]]*");
    private static final Pattern HEADER_VALUE = Pattern.compile("[\\p{IsAssigned}&&[[^\\p{IsControl}]||\\t]]*");

    @Test
    void everyCodePointIsJudgedAsTheFirewallsExpressionsJudgeIt() {
        List<Integer> differ = new ArrayList<>();
        int refusedNames = 0;
        for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
            String text = "a" + Character.toString(c) + "b";
            boolean name = NAME.matcher(text).matches();
            boolean value = HEADER_VALUE.matcher(text).matches();
            if (FirewallCharacters.NAME.test(text) != name || FirewallCharacters.HEADER_VALUE.test(text) != value) {
                differ.add(c);
            }
            refusedNames += name ? 0 : 1;
        }
        assertThat(differ).isEmpty();
        // The comparison means something: the expressions do refuse control and unassigned code points.
        assertThat(refusedNames).isGreaterThan(100_000);
        assertThat(FirewallCharacters.NAME.test("a\tb")).isFalse();
        assertThat(FirewallCharacters.HEADER_VALUE.test("a\tb")).isTrue();
        assertThat(FirewallCharacters.NAME.test("a\u0000b")).isFalse();
        assertThat(FirewallCharacters.HEADER_VALUE.test("x\u007f")).isFalse();
        assertThat(FirewallCharacters.NAME.test("")).isTrue();
    }

    @Test
    void stringsOfSurrogatesAndMixedCharactersAreJudgedAsTheExpressionsJudgeThem() {
        SplittableRandom random = new SplittableRandom(20261126);
        char[] interesting = {'a', ' ', '~', '\t', '\n', '\u007f', '\u0085', '\u00a0', '\u0378', '\ud800', '\udc00',
                '\ud83d', '\ude00', '\ufffe', '\uffff', '\u200b', '\u2028', '\ue000'};
        for (int n = 0; n < 200_000; n++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(8);
            for (int i = 0; i < length; i++) {
                text.append(random.nextBoolean() ? interesting[random.nextInt(interesting.length)]
                        : (char) random.nextInt(Character.MAX_VALUE + 1));
            }
            String s = text.toString();
            assertThat(FirewallCharacters.NAME.test(s)).as("name %s", escaped(s)).isEqualTo(NAME.matcher(s).matches());
            assertThat(FirewallCharacters.HEADER_VALUE.test(s)).as("header value %s", escaped(s))
                    .isEqualTo(HEADER_VALUE.matcher(s).matches());
        }
    }

    private static String escaped(String s) {
        StringBuilder out = new StringBuilder();
        s.chars().forEach(c -> out.append(String.format("\\u%04x", c)));
        return out.toString();
    }
}
