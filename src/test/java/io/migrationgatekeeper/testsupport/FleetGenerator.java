package io.migrationgatekeeper.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A fleet for libvirt's test driver: one node file per host ({@code test:///<file>}), each with running domains
 * whose disks mix the rule's cases, and what the rule must say about them under {@link #POLICY_FILESYSTEMS}. The
 * expected counts come from this table, not from the code under test.
 */
public final class FleetGenerator {

    /** The storage declarations the expectations assume: {@code /srv/nfs} nfs, {@code /srv/gfs2} gfs2. */
    public static final Map<String, String> POLICY_FILESYSTEMS = Map.of("/srv/nfs", "nfs", "/srv/gfs2", "gfs2");

    /** A kind of domain: its disks, and the reasons the rule denies it for (none: it may move). */
    public enum Variant {
        NFS_CACHE_NONE(Set.of(), disk("file", "none", "<source file='/srv/nfs/%s.img'/>", "vda", "")),
        LOCAL_CACHE_NONE(Set.of("STORAGE_NOT_SHARED"),
                disk("file", "none", "<source file='/var/lib/libvirt/images/%s.qcow2'/>", "vda", "")),
        NFS_WRITEBACK(Set.of("CACHE_MODE_UNSAFE"), disk("file", "writeback", "<source file='/srv/nfs/%s.img'/>", "vda", "")),
        GFS2_WRITEBACK(Set.of(), disk("file", "writeback", "<source file='/srv/gfs2/%s.img'/>", "vda", "")),
        RBD(Set.of(), disk("network", "writeback",
                "<source protocol='rbd' name='vms/%s'><host name='mon1' port='6789'/></source>", "vda", "")),
        TRANSIENT(Set.of("TRANSIENT_DISK"), disk("file", "none", "<source file='/srv/nfs/%s.img'/>", "vda", "<transient/>")),
        LOCAL_AND_NFS_WRITEBACK(Set.of("STORAGE_NOT_SHARED", "CACHE_MODE_UNSAFE"),
                disk("file", "none", "<source file='/var/lib/libvirt/images/%s.qcow2'/>", "vda", "")
                        + disk("file", "writeback", "<source file='/srv/nfs/%s-data.img'/>", "vdb", "")),
        DISKLESS(Set.of(), ""),
        EMPTY_CDROM_AND_BLOCK_DIRECTSYNC(Set.of(),
                "<disk type='file' device='cdrom'><target dev='sda' bus='sata'/><readonly/></disk>"
                        + disk("block", "directsync", "<source dev='/dev/mapper/%s'/>", "vda", "")),
        BLOCK_WRITETHROUGH(Set.of("CACHE_MODE_UNSAFE"),
                disk("block", "writethrough", "<source dev='/dev/mapper/%s'/>", "vda", ""));

        private final Set<String> reasons;
        private final String disks;

        Variant(Set<String> reasons, String disks) {
            this.reasons = reasons;
            this.disks = disks;
        }

        public Set<String> reasons() {
            return reasons;
        }

        public boolean migratable() {
            return reasons.isEmpty();
        }

        private static String disk(String type, String cache, String source, String target, String extra) {
            return "<disk type='" + type + "' device='disk'><driver name='qemu' cache='" + cache + "'/>" + source
                    + "<target dev='" + target + "' bus='virtio'/>" + extra + "</disk>";
        }
    }

    /** What one host holds. */
    public record HostExpectation(String name, String uri, int domains, int notMigratable, Map<String, Integer> byReason,
            Map<String, Variant> variants) {}

    /** The whole fleet and its totals. */
    public record Fleet(Map<String, HostExpectation> hosts, int domains, int notMigratable, Map<String, Integer> byReason) {}

    private FleetGenerator() {}

    /**
     * Writes {@code hosts} node files into {@code dir}, each with {@code perHost} running domains of variants drawn
     * with {@code seed}, so hosts differ from one another.
     */
    public static Fleet generate(Path dir, int hosts, int perHost, long seed) {
        Random random = new Random(seed);
        Map<String, HostExpectation> expected = new LinkedHashMap<>();
        Map<String, Integer> fleetReasons = zeroes();
        int fleetDomains = 0;
        int fleetDenied = 0;
        try {
            Files.createDirectories(dir);
            for (int h = 0; h < hosts; h++) {
                String host = String.format("host-%03d", h);
                StringBuilder node = new StringBuilder("<node>\n");
                Map<String, Variant> variants = new TreeMap<>();
                Map<String, Integer> reasons = zeroes();
                int denied = 0;
                for (int d = 0; d < perHost; d++) {
                    Variant variant = Variant.values()[random.nextInt(Variant.values().length)];
                    String name = String.format("%s-vm%02d", host, d);
                    variants.put(name, variant);
                    if (!variant.migratable()) {
                        denied++;
                        variant.reasons().forEach(r -> reasons.merge(r, 1, Integer::sum));
                    }
                    node.append("<domain type='test'><name>").append(name).append("</name>")
                            .append(String.format("<uuid>%08x-0000-4000-8000-%012x</uuid>", h, d))
                            .append("<memory unit='MiB'>64</memory><os><type>hvm</type></os><devices>")
                            .append(variant.disks.replace("%s", name)).append("</devices></domain>\n");
                }
                node.append("</node>\n");
                Path file = dir.resolve(host + ".xml");
                Files.writeString(file, node, StandardCharsets.UTF_8);
                expected.put(host, new HostExpectation(host, "test://" + file.toAbsolutePath(), perHost, denied, reasons,
                        variants));
                fleetDomains += perHost;
                fleetDenied += denied;
                reasons.forEach((r, n) -> fleetReasons.merge(r, n, Integer::sum));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Fleet(expected, fleetDomains, fleetDenied, fleetReasons);
    }

    private static Map<String, Integer> zeroes() {
        Map<String, Integer> counts = new TreeMap<>();
        for (String reason : List.of("CACHE_MODE_UNSAFE", "STORAGE_NOT_SHARED", "TRANSIENT_DISK")) {
            counts.put(reason, 0);
        }
        return counts;
    }

    /** For the benchmark: {@code FleetGenerator <dir> <hosts> <perHost>} writes the fleet and an application.yaml. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]).toAbsolutePath();
        Fleet fleet = generate(dir, Integer.parseInt(args[1]), Integer.parseInt(args[2]), 11L);
        List<String> yaml = new ArrayList<>(List.of("gatekeeper:", "  policy:", "    filesystems:"));
        POLICY_FILESYSTEMS.forEach((path, type) -> {
            yaml.add("      - path: " + path);
            yaml.add("        type: " + type);
        });
        yaml.add("  hosts:");
        fleet.hosts().values().forEach(h -> {
            yaml.add("    " + h.name() + ":");
            yaml.add("      uri: " + h.uri());
        });
        Files.write(dir.resolve("application.yaml"), yaml, StandardCharsets.UTF_8);
        System.out.printf("%d hosts, %d running domains, %d not migratable, by reason %s%n", fleet.hosts().size(),
                fleet.domains(), fleet.notMigratable(), fleet.byReason());
    }
}
