package io.migrationgatekeeper.domainxml;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.policy.Domain;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The parser's fast path (Aalto) against the JDK's reader alone, which is the reference: for every document the
 * outcome is the same, the same domain or the same refusal in the same words. The documents: libvirt's corpus, the
 * benchmarks' and the README's domains, the fuzz regression inputs, hostile documents aimed at where two XML readers
 * can differ (DTDs, entities, encodings, XML 1.1, names and attribute counts at the JDK's limits, namespaces), and
 * 10,000 seeded mutations of the corpus. And the fast path does read the ordinary documents: a test that passed by
 * declining everything would show nothing.
 */
class FastPathDifferentialTest {

    private final DomainXmlParser parser = new DomainXmlParser(64, 256);

    @Test
    void everyCorpusDocumentReadsTheSameAndMostTakeTheFastPath() throws Exception {
        List<byte[]> documents = documents();
        int fast = 0;
        for (byte[] xml : documents) {
            assertSameOutcome(xml);
            if (parser.readsFast(xml)) {
                fast++;
            }
        }
        assertThat(fast).as("documents the fast path reads, of %d", documents.size())
                .isGreaterThan(documents.size() * 9 / 10);
        assertThat(parser.readsFast(Files.readAllBytes(Path.of("examples/web01.xml")))).isTrue();
    }

    @Test
    void hostileDocumentsAreRefusedAsTheJdkRefusesThem() {
        String domain = "<domain><name>d</name><devices><disk type='file'><source file='/a'/><target dev='vda'/>"
                + "</disk></devices></domain>";
        List<String> hostile = new ArrayList<>(List.of(
                "<?xml version='1.0'?><!DOCTYPE domain [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><domain><name>&x;</name></domain>",
                "<!DOCTYPE domain [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;&a;&a;'>]><domain><name>&b;</name></domain>",
                "<!DOCTYPE domain><domain><name>d</name></domain>",
                "<domain><name>&x;</name></domain>",
                "<domain><name>&amp;&lt;&gt;&quot;&apos;&#65;&#x42;</name></domain>",
                "<domain><name>&#0;</name></domain>",
                "<domain><name>&#xD800;</name></domain>",
                "<domain><name>a\u0001b</name></domain>",
                "<?xml version='1.1'?><domain><name>d\u0085e</name></domain>",
                "<?xml version='1.1'?>" + domain,
                "<?xml version='2.0'?>" + domain,
                "<?xml version='1.0' encoding='UTF-16'?>" + domain,
                "<?xml version='1.0' encoding='EBCDIC-CP-US'?>" + domain,
                "<?xml version='1.0' encoding='utf8'?>" + domain,
                "<?xml version='1.0' encoding='latin1'?>" + domain,
                "<?xml version='1.0' encoding='iso-8859-1'?>" + domain,
                "<?xml version='1.0' encoding='us-ascii' standalone='yes'?>" + domain,
                "<?xml version='1.0' standalone='maybe'?>" + domain,
                "<?xml version='1.0' foo='bar'?>" + domain,
                " <?xml version='1.0'?>" + domain,
                "<?xml-stylesheet href='x'?>" + domain,
                "<?XML version='1.0'?>" + domain,
                domain + "<?pi after?><!-- after -->",
                domain + "<domain/>",
                domain + "trailing",
                "<domain><name>d</name><name>e</name></domain>",
                "<domain a='1' a='2'><name>d</name></domain>",
                "<domain xmlns:x='urn:x' x:a='1' xmlns:y='urn:x' y:a='2'><name>d</name></domain>",
                "<domain xmlns:xml='urn:other'><name>d</name></domain>",
                "<domain xmlns:xmlns='urn:x'><name>d</name></domain>",
                "<domain xmlns:x=''><name>d</name></domain>",
                "<domain><x:name>d</x:name></domain>",
                "<x:domain xmlns:x='urn:x'><name>d</name></x:domain>",
                "<domain xmlns='http://libvirt.org/schemas/domain/qemu/1.0'><name>d</name></domain>",
                "<domain><name><![CDATA[d]]>e<!-- c -->f<?p i?>g</name><uuid> u\r\n v </uuid></domain>",
                "<domain><name>d]]>e</name></domain>",
                "<domain><name>d</name><!-- a -- b --></domain>",
                "<domain><name>d</name><devices><disk type='file\tx\ny'><target dev='vda'/></disk></devices></domain>",
                "<domain><name a='&lt;'>d</name></domain>",
                "<domain><name a='<'>d</name></domain>",
                "<domain><name a=\"'\">d</name></domain>",
                "<domain><name>d</name></domain >",
                "<domain ><name >d</name ></domain>",
                "<1domain><name>d</name></1domain>",
                "<domain><name>d</name></Domain>",
                "<domain><name>d</name>",
                "<domain/>",
                "",
                "<",
                "\u0000<domain/>",
                "<domain><name>" + "x".repeat(100_000) + "</name></domain>"));
        for (int length : new int[] {998, 999, 1000, 1001}) {
            String name = "n".repeat(length);
            hostile.add("<domain><name>d</name><" + name + "/></domain>");
            hostile.add("<domain><name>d</name><x " + name + "='1'/></domain>");
            hostile.add("<domain xmlns:" + name + "='urn:x'><name>d</name></domain>");
            hostile.add("<domain><name>d</name><?" + name + " x?></domain>");
            hostile.add("<domain xmlns:" + name.substring(2) + "='urn:x'><name>d</name><" + name.substring(2) + ":x/></domain>");
        }
        for (int count : new int[] {9_999, 10_000, 10_001}) {
            StringBuilder attributes = new StringBuilder();
            for (int i = 0; i < count; i++) {
                attributes.append(" a").append(i).append("='").append(i).append('\'');
            }
            hostile.add("<domain><name>d</name><x" + attributes + "/></domain>");
        }
        for (String xml : hostile) {
            assertSameOutcome(xml.getBytes(StandardCharsets.UTF_8));
        }
        assertSameOutcome(("\uFEFF" + domain).getBytes(StandardCharsets.UTF_8));
        assertSameOutcome(domain.getBytes(StandardCharsets.UTF_16));
        assertSameOutcome(domain.replace("<name>d", "<name>d\u00e9").getBytes(StandardCharsets.ISO_8859_1));
        assertSameOutcome(domain.replace("<name>d", "<name>d\u00e9").getBytes(StandardCharsets.UTF_8));
    }

    /** Seeded, so a failure names a reproducible document. */
    @Test
    void tenThousandMutationsOfTheCorpusReadTheSame() throws Exception {
        String[] tokens = {"<", ">", "/>", "</", "&", "&amp;", "&#65;", "&#0;", "&x;", "]]>", "<![CDATA[x]]>",
                "<!--x-->", "<?pi x?>", " xmlns:x='urn:x'", " x:a='1'", " xmlns=''", "'", "\"", "=", "\u0001",
                "\r\n", "\r", "\t", " ", "<!DOCTYPE d>", "<?xml version='1.0'?>", "<?xml version='1.1'?>",
                "<disk type='file'><target dev='vdz'/></disk>", "<name>n</name>", "xml:", ":", "</domain>", "\u007f"};
        List<byte[]> documents = documents();
        Random random = new Random(13);
        for (int i = 0; i < 10_000; i++) {
            byte[] original = documents.get(random.nextInt(documents.size()));
            String text = new String(original, StandardCharsets.ISO_8859_1);
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits && !text.isEmpty(); e++) {
                int at = random.nextInt(text.length());
                text = switch (random.nextInt(4)) {
                    case 0 -> text.substring(0, at) + text.substring(Math.min(text.length(), at + 1 + random.nextInt(8)));
                    case 1 -> text.substring(0, at) + tokens[random.nextInt(tokens.length)] + text.substring(at);
                    case 2 -> text.substring(0, at) + (char) (random.nextInt(0x7f)) + text.substring(at + 1);
                    default -> {
                        int end = Math.min(text.length(), at + 1 + random.nextInt(40));
                        yield text.substring(0, end) + text.substring(at, end) + text.substring(end);
                    }
                };
            }
            byte[] mutant = text.getBytes(StandardCharsets.ISO_8859_1);
            try {
                assertSameOutcome(mutant);
            } catch (AssertionError e) {
                throw new AssertionError("mutation " + i + " of seed 13 differs:\n" + text, e);
            }
        }
    }

    private void assertSameOutcome(byte[] xml) {
        Object expected = outcome(() -> parser.parseWithJdk(xml));
        Object actual = outcome(() -> parser.parse(xml));
        assertThat(actual).as("fast path vs the JDK's reader for:%n%s", new String(xml, StandardCharsets.ISO_8859_1))
                .isEqualTo(expected);
    }

    /** The domain, or the refusal as its class, kind and message. */
    private static Object outcome(java.util.function.Supplier<Domain> parse) {
        try {
            return parse.get();
        } catch (DomainXmlException e) {
            return "DomainXmlException " + e.kind() + ": " + e.getMessage();
        } catch (RuntimeException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    private static List<byte[]> documents() throws IOException, URISyntaxException {
        List<Path> paths = new ArrayList<>();
        for (String dir : List.of("/libvirt-tests", "/domainxml",
                "/io/migrationgatekeeper/domainxml/DomainXmlFuzzTestInputs/anyBytes",
                "/io/migrationgatekeeper/domainxml/DomainXmlFuzzTestInputs/agreesWithLibvirt")) {
            try (Stream<Path> files = Files.list(Path.of(FastPathDifferentialTest.class.getResource(dir).toURI()))) {
                files.filter(Files::isRegularFile).sorted().forEach(paths::add);
            }
        }
        paths.addAll(List.of(Path.of("examples/web01.xml"), Path.of("bench/domains/one-disk.xml"),
                Path.of("bench/domains/64-disks.xml")));
        List<byte[]> documents = new ArrayList<>();
        for (Path path : paths) {
            documents.add(Files.readAllBytes(path));
        }
        return documents;
    }
}
