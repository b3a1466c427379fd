package io.migrationgatekeeper.domainxml;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.migrationgatekeeper.policy.Domain;
import io.migrationgatekeeper.policy.MigrationRequest;
import io.migrationgatekeeper.policy.SafetyRule;
import io.migrationgatekeeper.policy.SourceHostFacts;
import io.migrationgatekeeper.policy.StorageMigration;
import io.migrationgatekeeper.policy.TestPolicies;
import io.migrationgatekeeper.testsupport.RequiresLibvirt;
import org.junit.jupiter.api.AfterAll;
import org.libvirt.LibvirtException;

/**
 * Coverage-guided fuzzing of the parser (Jazzer). In every {@code ./mvnw verify} each {@code @FuzzTest} replays
 * its committed inputs ({@code src/test/resources/io/migrationgatekeeper/domainxml/DomainXmlFuzzTestInputs/}); to
 * fuzz, see README (Development, fuzzing). Two properties:
 * <ul>
 * <li>{@link #agreesWithLibvirt}: a domain built from the fuzzer's choices, with every construct the rule reads in
 * every form, is read as libvirt reads it ({@link Differential});</li>
 * <li>{@link #anyBytes}: no input makes the parser or the rule fail other than with the parser's own
 * {@link DomainXmlException} (which the API answers with a 400), so no input can produce a 5xx.</li>
 * </ul>
 */
@RequiresLibvirt
class DomainXmlFuzzTest {

    private static final DomainXmlParser PARSER = new DomainXmlParser(64);
    private static final SafetyRule RULE = new SafetyRule(TestPolicies.sample());
    private static LibvirtOracle libvirt;
    private static Differential differential;

    private static final String[] DISK_TYPES = {"file", "block", "dir", "network", "volume", "nvme", "vhostuser",
            "vhostvdpa", "none", "", "FILE"};
    private static final String[] DEVICES = {"disk", "cdrom", "floppy", "lun", "", "tape"};
    private static final String[] CACHES = {"none", "writeback", "writethrough", "directsync", "unsafe", "default", "",
            "bogus"};
    private static final String[] SOURCE_ATTRIBUTES = {"file", "dev", "dir", "protocol", "name", "pool", "volume",
            "type", "path", "namespace", "mode"};
    private static final String[] VALUES = {"/var/lib/libvirt/images/a.img", "/srv/gfs2/a.img", "/srv/nfs/a.img", "",
            "rbd", "nbd", "iscsi", "gluster", "http", "none", "bogus", "pool/img", "img", "ceph-vms", "v1", "unix", "pci",
            "1", "host", "/dev/sdb", "/tmp/vhost.sock", "iqn.2013-07.com.example:t"};
    private static final String[] TARGETS = {"vda", "vdb", "sda", "hdc", "fda", "xvda", "vda1", "vd", "foo", " vda",
            "", "ubdb", "sdaa"};
    private static final String[] BUSES = {"virtio", "scsi", "ide", "sata", "usb", "fdc", "xen", "sd", "uml", "none"};
    private static final String[] CHILDREN = {"readonly", "shareable", "transient"};

    @AfterAll
    static void disconnect() throws LibvirtException {
        if (libvirt != null) {
            libvirt.close();
        }
    }

    @FuzzTest(maxDuration = "20m")
    void agreesWithLibvirt(FuzzedDataProvider data) throws LibvirtException {
        if (differential == null) {
            libvirt = new LibvirtOracle();
            differential = new Differential(new DomainXmlParser(256), libvirt);
        }
        differential.check(domain(data));
    }

    @FuzzTest(maxDuration = "15m")
    void anyBytes(byte[] xml) {
        Domain domain;
        try {
            domain = PARSER.parse(xml);
        } catch (DomainXmlException expected) {
            return;
        }
        for (StorageMigration mode : StorageMigration.values()) {
            RULE.evaluate(domain, new MigrationRequest("kvm-a1", "kvm-a2", mode, null, false, null),
                    new SourceHostFacts(true, true));
        }
    }

    /** A domain of one to three disks, each assembled from the fuzzer's choices. */
    static String domain(FuzzedDataProvider data) {
        StringBuilder devices = new StringBuilder();
        int disks = data.consumeInt(1, 3);
        for (int i = 0; i < disks; i++) {
            if (i > 0 && data.consumeBoolean()) {
                devices.append(data.consumeBoolean() ? "</devices><devices>" : "</devices><f:devices>"
                        + "<disk type='file'><source file='/srv/gfs2/x.img'/><target dev='vdz'/></disk></f:devices>"
                        + "<devices>");
            }
            devices.append(disk(data));
        }
        return "<domain type='kvm' xmlns:f='urn:f'><name>fuzz</name><memory>65536</memory>"
                + "<os><type arch='x86_64'>hvm</type></os><devices>" + devices + "</devices></domain>";
    }

    private static String disk(FuzzedDataProvider data) {
        StringBuilder disk = new StringBuilder("<disk");
        attribute(data, disk, "type", DISK_TYPES);
        attribute(data, disk, "device", DEVICES);
        disk.append('>');
        int children = data.consumeInt(0, 6);
        for (int i = 0; i < children; i++) {
            switch (data.consumeInt(0, 4)) {
                case 0 -> {
                    disk.append("<driver name='qemu'");
                    attribute(data, disk, "cache", CACHES);
                    disk.append("/>");
                }
                case 1 -> {
                    disk.append(data.consumeBoolean() ? "<source" : "<f:source");
                    int attributes = data.consumeInt(0, 3);
                    for (int a = 0; a < attributes; a++) {
                        attribute(data, disk, data.pickValue(SOURCE_ATTRIBUTES), VALUES);
                    }
                    disk.append('>');
                    if (data.consumeBoolean()) {
                        disk.append("<host name='h1'").append(data.consumeBoolean() ? " port='" + data.consumeInt(0, 70000)
                                + "'" : "").append("/>");
                    }
                    if (data.consumeBoolean()) {
                        disk.append("<address domain='0x0000' bus='").append(data.consumeInt(0, 300))
                                .append("' slot='0x01' function='0'/>");
                    }
                    disk.append("</source>");
                }
                case 2 -> {
                    disk.append("<target");
                    attribute(data, disk, "dev", TARGETS);
                    attribute(data, disk, "bus", BUSES);
                    disk.append("/>");
                }
                case 3 -> disk.append(data.consumeBoolean() ? "<" : "<f:").append(data.pickValue(CHILDREN)).append("/>");
                default -> disk.append("<address type='drive' controller='0' bus='0' target='0' unit='")
                        .append(data.consumeInt(0, 3)).append("'/>");
            }
        }
        return disk.append("</disk>").toString();
    }

    /** Absent, plain, namespaced, or namespaced and plain in either order; values from the list or the fuzzer. */
    private static void attribute(FuzzedDataProvider data, StringBuilder element, String name, String[] values) {
        switch (data.consumeInt(0, 4)) {
            case 0 -> {
            }
            case 1 -> element.append(' ').append(name).append("='").append(value(data, values)).append('\'');
            case 2 -> element.append(" f:").append(name).append("='").append(value(data, values)).append('\'');
            case 3 -> element.append(" f:").append(name).append("='").append(value(data, values)).append("' ")
                    .append(name).append("='").append(value(data, values)).append('\'');
            default -> element.append(' ').append(name).append("='").append(value(data, values)).append("' f:")
                    .append(name).append("='").append(value(data, values)).append('\'');
        }
    }

    private static String value(FuzzedDataProvider data, String[] values) {
        if (data.consumeInt(0, 7) > 0) {
            return data.pickValue(values);
        }
        String raw = data.consumeString(12);
        StringBuilder escaped = new StringBuilder();
        for (char c : raw.toCharArray()) {
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '&' -> escaped.append("&amp;");
                case '\'' -> escaped.append("&apos;");
                case '"' -> escaped.append("&quot;");
                default -> {
                    if (c >= 0x20 && c != 0xFFFE && c != 0xFFFF && !Character.isSurrogate(c)) {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }
}
