package io.migrationgatekeeper.domainxml;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.testsupport.LibvirtReadingTable;
import io.migrationgatekeeper.testsupport.LibvirtReadingTable.Case;
import io.migrationgatekeeper.testsupport.RequiresLibvirt;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.libvirt.LibvirtException;

/**
 * The gatekeeper's parser against libvirt's own (see {@link Differential} for the property): the libvirt-reading
 * table, the whole corpus, and thousands of generated variants. Needs only libvirt0 (the in-process test driver);
 * under {@code CI=true} a skip is a failure.
 */
@RequiresLibvirt
class LibvirtDifferentialTest {

    /** How many generated mutations of real domains CI runs; the matrix adds its own (about 1,000). */
    static final int MUTATIONS = Integer.getInteger("differential.mutations", 5_000);

    private static LibvirtOracle libvirt;
    private static Differential differential;

    @BeforeAll
    static void connect() throws LibvirtException {
        libvirt = new LibvirtOracle();
        differential = new Differential(new DomainXmlParser(256), libvirt);
    }

    @AfterAll
    static void disconnect() throws LibvirtException {
        libvirt.close();
    }

    static List<Case> table() {
        return LibvirtReadingTable.all();
    }

    /** The table says what libvirt does: libvirt must agree, in the table's words where it refuses. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void theTableIsWhatLibvirtDoes(Case c) {
        if (c.libvirtHangs()) {
            assertThat(LibvirtCrashers.match(c.xml())).contains("controllers");
            assertThat(differential.check(c.xml())).isEqualTo(Differential.Agreement.BOTH_REFUSE);
            return;
        }
        if (c.hardening()) {
            assertThat(differential.check(c.xml())).isEqualTo(Differential.Agreement.HARDENING);
            return;
        }
        LibvirtOracle.Outcome outcome = libvirt.define(c.xml());
        if (c.refused() != null) {
            assertThat(outcome.error()).as("libvirt refuses").isNotNull().contains(c.refused());
        } else {
            assertThat(outcome.error()).as("libvirt accepts").isNull();
            assertThat(differential.check(c.xml())).isEqualTo(Differential.Agreement.BOTH_ACCEPT);
        }
    }

    static Stream<Path> corpus() throws IOException, URISyntaxException {
        return DomainXmlParserTest.corpus();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void corpusFile(Path file) throws IOException {
        assertThat(differential.check(Files.readString(file, StandardCharsets.UTF_8)))
                .isIn(Differential.Agreement.BOTH_ACCEPT, Differential.Agreement.REFUSED_OUTSIDE_THE_RULE);
    }

    @Test
    void generatedVariants() throws Exception {
        DomainVariants variants = new DomainVariants(Long.getLong("differential.seed", 10L));
        List<String> bases = new ArrayList<>();
        try (Stream<Path> files = corpus()) {
            for (Path file : files.toList()) {
                bases.add(Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        table().forEach(c -> bases.add(c.xml()));
        List<String> inputs = new ArrayList<>(variants.matrix());
        inputs.addAll(variants.mutations(bases, MUTATIONS));

        long start = System.nanoTime();
        Map<Differential.Agreement, Integer> counts = new EnumMap<>(Differential.Agreement.class);
        List<Differential.Disagreement> disagreements = new ArrayList<>();
        for (String xml : inputs) {
            try {
                counts.merge(differential.check(xml), 1, Integer::sum);
            } catch (Differential.Disagreement d) {
                disagreements.add(d);
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (!disagreements.isEmpty()) {
            disagreements.stream().skip(1).limit(20).forEach(d -> System.out.println("DISAGREEMENT " + d.getMessage()));
            throw new AssertionError(disagreements.size() + " disagreements of " + inputs.size() + "; the first:",
                    disagreements.get(0));
        }
        System.out.printf("differential: %d documents, zero disagreements, %d ms: %s%n", inputs.size(), millis, counts);
        assertThat(inputs).hasSizeGreaterThanOrEqualTo(MUTATIONS);
        // The variants must exercise both sides of the property, not only one.
        assertThat(counts.getOrDefault(Differential.Agreement.BOTH_ACCEPT, 0)).isGreaterThan(inputs.size() / 5);
        assertThat(counts.getOrDefault(Differential.Agreement.BOTH_REFUSE, 0)).isGreaterThan(inputs.size() / 10);
    }
}
