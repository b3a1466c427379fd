package io.migrationgatekeeper.migration;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LedgerNameTest {

    @Test
    void aNameThatFitsIsKeptAsItIs() {
        assertThat(LedgerName.caller("portal")).isEqualTo("portal");
        assertThat(LedgerName.caller("p".repeat(200))).isEqualTo("p".repeat(200));
        assertThat(LedgerName.domain(null)).isNull();
    }

    @Test
    void aLongerNameIsItsStartAndItsDigestDistinctAndStable() {
        String a = "a".repeat(300);
        String b = "a".repeat(299) + "b";

        assertThat(LedgerName.caller(a)).hasSize(200).startsWith("aaaa").contains("…sha256:")
                .isEqualTo(LedgerName.caller(a)).isNotEqualTo(LedgerName.caller(b));
        assertThat(LedgerName.domain(a)).hasSize(255);
    }

    @Test
    void noNameCanPassForAnothersDigest() {
        String digested = LedgerName.caller("x".repeat(300));

        assertThat(LedgerName.caller(digested)).as("a caller whose own name is that text").hasSize(200)
                .isNotEqualTo(digested);
    }

    @Test
    void aCharacterOutsideTheBasicPlaneIsNeverHalved() {
        String name = "x".repeat(127) + "😀".repeat(100);

        String kept = LedgerName.caller(name);
        assertThat(kept).hasSizeLessThanOrEqualTo(200);
        assertThat(Character.isHighSurrogate(kept.charAt(kept.indexOf('…') - 1))).isFalse();
    }
}
