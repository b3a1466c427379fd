package io.migrationgatekeeper.domainxml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migrationgatekeeper.policy.CacheMode;
import io.migrationgatekeeper.policy.Disk;
import io.migrationgatekeeper.policy.DiskDevice;
import io.migrationgatekeeper.policy.DiskType;
import io.migrationgatekeeper.policy.Domain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DomainXmlParserTest {

    private final DomainXmlParser parser = new DomainXmlParser(64);

    static Stream<Path> corpus() throws IOException, URISyntaxException {
        Path dir = Path.of(DomainXmlParserTest.class.getResource("/libvirt-tests").toURI());
        return Files.list(dir).filter(p -> p.toString().endsWith(".xml")).sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everyCorpusFileParsesWithEveryDisk(Path file) throws IOException {
        byte[] xml = Files.readAllBytes(file);
        Domain domain = parser.parse(xml);

        assertThat(domain.name()).isNotBlank();
        String text = new String(xml, StandardCharsets.UTF_8);
        long diskElements = Stream.of(text.split("<disk[\\s>]", -1)).count() - 1;
        assertThat(domain.disks()).as("one Disk per <disk> element").hasSize((int) diskElements);
    }

    @Test
    void corpusIsComplete() throws Exception {
        assertThat(corpus().count()).isEqualTo(75);
    }

    @Test
    void readsEveryCacheModeInDocumentOrder() {
        Domain domain = parse("disk-cache.xml");

        assertThat(domain.disks()).extracting(Disk::cache).containsExactly(CacheMode.WRITEBACK, CacheMode.UNSAFE,
                CacheMode.NONE, CacheMode.WRITETHROUGH, CacheMode.DIRECTSYNC);
        assertThat(domain.disks()).extracting(Disk::type).containsOnly(DiskType.BLOCK);
    }

    @Test
    void readsSourceForms() {
        Disk rbd = parse("disk-network-rbd.xml").disks().get(0);
        assertThat(rbd.type()).isEqualTo(DiskType.NETWORK);
        assertThat(rbd.source().protocol()).isEqualTo("rbd");
        assertThat(rbd.source().hosts()).isNotEmpty();

        List<Disk> pool = parse("disk-source-pool.xml").disks();
        assertThat(pool).anySatisfy(d -> {
            assertThat(d.type()).isEqualTo(DiskType.VOLUME);
            assertThat(d.source().pool()).isNotBlank();
            assertThat(d.source().volume()).isNotBlank();
        });
        assertThat(pool).anySatisfy(d -> assertThat(d.isEmpty()).isTrue());

        Disk nvme = parse("disk-nvme.xml").disks().get(0);
        assertThat(nvme.type()).isEqualTo(DiskType.NVME);
        assertThat(nvme.source().describe()).startsWith("nvme:0000:");

        assertThat(parse("disk-vhostuser.x86_64-latest.xml").disks()).anySatisfy(d -> {
            assertThat(d.type()).isEqualTo(DiskType.VHOSTUSER);
            assertThat(d.source().path()).startsWith("/");
        });
        assertThat(parse("floppy-drive-fat.x86_64-latest.xml").disks().get(0).source().path()).startsWith("/");
    }

    @Test
    void readsFlagsAndDefaults() {
        assertThat(parse("disk-transient.xml").disks()).allMatch(Disk::transientDisk);
        assertThat(parse("disk-shared.xml").disks()).anyMatch(Disk::shareable);
        List<Disk> cdrom = parse("disk-cdrom.xml").disks();
        assertThat(cdrom).anyMatch(d -> d.device() == DiskDevice.CDROM && d.isEmpty());
        assertThat(cdrom).anyMatch(Disk::readonly);
        assertThat(parse("disk-discard.xml").disks()).extracting(Disk::type).contains(DiskType.FILE);
        // libvirt reads a disk without <source> as an empty file disk, whatever its type says.
        assertThat(parse("disk-cdrom-empty-network-invalid.xml").disks()).anyMatch(
                d -> d.type() == DiskType.FILE && d.device() == DiskDevice.CDROM && d.isEmpty());
    }

    @Test
    void refusesDoctypeBeforeAnyEntityIsRead() {
        String xxe = "<?xml version='1.0'?><!DOCTYPE domain [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
                + "<domain><name>&x;</name></domain>";
        assertThatThrownBy(() -> parser.parse(xxe.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(DomainXmlException.class,
                        e -> assertThat(e.kind()).isEqualTo(DomainXmlException.Kind.FORBIDDEN_DTD))
                .hasMessageNotContaining("root:");
    }

    @Test
    void refusesUndeclaredEntity() {
        assertThatThrownBy(() -> parser.parse("<domain><name>&x;</name></domain>".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DomainXmlException.class);
    }

    @Test
    void rejectsWrongRootUnknownCacheEmptyBodyAndDepth() {
        assertInvalid("<network><name>n</name></network>", "<network>");
        assertInvalid("<domain xmlns='urn:x'><name>n</name></domain>", "missing name information");
        assertInvalid("<domain><name>d</name><devices><disk type='file'><driver cache='bogus'/>"
                + "<target dev='vda'/></disk></devices></domain>", "Invalid value for attribute 'cache' in element 'driver': 'bogus'.");
        assertInvalid("<domain><name>d</name><devices><disk type='floppyish'><target dev='vda'/></disk></devices></domain>",
                "Invalid value for attribute 'type' in element 'disk': 'floppyish'.");
        assertInvalid("  \n", "empty");
        assertInvalid("<domain><name>d</name>" + "<a>".repeat(80) + "</a>".repeat(80) + "</domain>", "deeper than 64");
    }

    @Test
    void theConfiguredDepthIsTheLimitWhateverTheJdkDefault() {
        String deep = "<domain><name>d</name>" + "<a>".repeat(200) + "</a>".repeat(200) + "</domain>";

        assertThat(new DomainXmlParser(256).parse(deep.getBytes(StandardCharsets.UTF_8)).name()).isEqualTo("d");
    }

    /** Issue 9, defect 2: 80,000 disks in one body made the embedded ledger run out of memory. */
    @Test
    void moreDisksThanTheConfiguredMaximumAreRefusedAsLibvirtCountsThem() {
        DomainXmlParser atMostTwo = new DomainXmlParser(64, 2);
        String disk = "<disk type='file'><source file='/a'/><target dev='vd%s'/></disk>";
        // libvirt reads disks from every <devices>; a disk in another namespace is not libvirt's and not counted.
        String two = "<domain><name>d</name><devices>" + disk.formatted("a") + "</devices><devices>"
                + disk.formatted("b") + "<x:disk xmlns:x='urn:x'/></devices></domain>";
        String three = two.replace("</devices></domain>", disk.formatted("c") + "</devices></domain>");

        assertThat(atMostTwo.parse(two.getBytes(StandardCharsets.UTF_8)).disks()).hasSize(2);
        assertThatThrownBy(() -> atMostTwo.parse(three.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(DomainXmlException.class,
                        e -> assertThat(e.kind()).isEqualTo(DomainXmlException.Kind.INVALID))
                .hasMessage("the domain has more than 2 disks (gatekeeper.preflight.max-disks)");
    }

    @Test
    void reportsMalformedXmlWithPosition() {
        assertThatThrownBy(() -> parser.parse("<domain><name>d</domain>".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(DomainXmlException.class,
                        e -> assertThat(e.kind()).isEqualTo(DomainXmlException.Kind.MALFORMED))
                .hasMessageContaining("line 1");
    }

    private void assertInvalid(String xml, String messagePart) {
        assertThatThrownBy(() -> parser.parse(xml.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(DomainXmlException.class,
                        e -> assertThat(e.kind()).isEqualTo(DomainXmlException.Kind.INVALID))
                .hasMessageContaining(messagePart);
    }

    private Domain parse(String corpusFile) {
        try (var in = getClass().getResourceAsStream("/libvirt-tests/" + corpusFile)) {
            return parser.parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
