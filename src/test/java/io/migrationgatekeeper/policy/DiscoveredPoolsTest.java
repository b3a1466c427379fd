package io.migrationgatekeeper.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.domainxml.DomainXmlParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Storage pools a host reports classify what no declaration covers; a configured declaration wins. */
class DiscoveredPoolsTest {

    private static final DomainXmlParser PARSER = new DomainXmlParser(64);

    private static final List<DiscoveredPool> POOLS = List.of(
            new DiscoveredPool("images", "dir", null, "/var/lib/libvirt/images"),
            new DiscoveredPool("gv0", "netfs", "glusterfs", "/mnt/gv0"),
            new DiscoveredPool("exports", "netfs", "nfs", "/mnt/exports"),
            new DiscoveredPool("whatever", "netfs", "auto", "/mnt/whatever"),
            new DiscoveredPool("vg0", "logical", null, "/dev/vg0"),
            new DiscoveredPool("ceph", "rbd", null, null),
            // A directory pool on a mount the operator declared gfs2: the declaration wins.
            new DiscoveredPool("gfs2-dir", "dir", null, "/srv/gfs2/pool"),
            // The sample policy declares a pool of this name local: the declaration wins.
            new DiscoveredPool("local-lvm", "rbd", null, null));

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(nullValues = "-", value = {
            "rbd, -, network", "gluster, -, network", "iscsi-direct, -, network", "sheepdog, -, network",
            "netfs, glusterfs, cluster", "netfs, nfs, shared", "netfs, cifs, shared", "netfs, auto, -", "netfs, -, -",
            "logical, -, local", "disk, -, local", "dir, -, local", "fs, -, local", "zfs, -, local", "iscsi, -, local",
            "scsi, -, local", "mpath, -, local", "vstorage, -, -", "NETFS, GlusterFS, cluster"})
    void poolTypesClassifyAsTheIssueTableSays(String type, String format, String expected) {
        Optional<StorageClass> storage = new DiscoveredPool("p", type, format, "/p").storageClass();

        assertThat(storage.map(StorageClass::value).orElse(null)).isEqualTo(expected);
    }

    @Test
    void filesUnderAReportedPoolAndVolumesInItAreClassifiedByIt() {
        Evaluation e = evaluate(
                "<disk type='file'><driver cache='writeback'/><source file='/mnt/gv0/a.img'/><target dev='vda'/></disk>",
                "<disk type='file'><driver cache='none'/><source file='/mnt/exports/vm/b.img'/><target dev='vdb'/></disk>",
                "<disk type='volume'><driver cache='writeback'/><source pool='gv0' volume='c.img'/><target dev='vdc'/></disk>",
                "<disk type='volume'><driver cache='none'/><source pool='images' volume='d.qcow2'/><target dev='vdd'/></disk>",
                "<disk type='volume'><driver cache='writeback'/><source pool='ceph' volume='e'/><target dev='vde'/></disk>");

        assertThat(e.disks()).extracting(DiskVerdict::reason).containsExactly(ReasonCode.CLUSTER_FS,
                ReasonCode.SAFE_CACHE_MODE, ReasonCode.CLUSTER_FS, ReasonCode.STORAGE_NOT_SHARED, ReasonCode.NETWORK_STORAGE);
        assertThat(e.disks()).extracting(v -> v.libvirt().reason()).containsExactly(ReasonCode.CLUSTER_FS,
                ReasonCode.SAFE_CACHE_MODE, ReasonCode.CLUSTER_FS, ReasonCode.STORAGE_NOT_SHARED, ReasonCode.NETWORK_STORAGE);
        assertThat(e.disks().get(0).classification().discovered().name()).isEqualTo("gv0");
        assertThat(e.disks().get(0).message()).contains("netfs pool gv0 (glusterfs) at /mnt/gv0 reported by the source host");
        assertThat(e.disks().get(2).libvirt().describeReliance()).as("libvirt's own pool, no declaration").isNull();
        assertThat(e.flags().unsafe()).isFalse();
    }

    @Test
    void aConfiguredDeclarationWinsOverWhatTheHostReports() {
        Evaluation e = evaluate(
                "<disk type='file'><driver cache='writeback'/><source file='/srv/gfs2/pool/a.img'/><target dev='vda'/></disk>",
                "<disk type='volume'><driver cache='writeback'/><source pool='gfs2-dir' volume='b.img'/><target dev='vdb'/></disk>",
                "<disk type='volume'><driver cache='none'/><source pool='local-lvm' volume='c'/><target dev='vdc'/></disk>");

        assertThat(e.disks()).extracting(DiskVerdict::reason).containsExactly(ReasonCode.CLUSTER_FS, ReasonCode.CLUSTER_FS,
                ReasonCode.STORAGE_NOT_SHARED);
        assertThat(e.disks().get(1).classification().filesystem().path()).isEqualTo("/srv/gfs2");
        assertThat(e.disks().get(2).classification().pool().name()).isEqualTo("local-lvm");
    }

    @Test
    void blockPoolsAreLocalToTheRuleAndBlockDevicesToLibvirt() {
        Evaluation e = evaluate(
                "<disk type='volume'><driver cache='none'/><source pool='vg0' volume='lv1'/><target dev='vda'/></disk>");

        assertThat(e.disks().get(0).reason()).isEqualTo(ReasonCode.STORAGE_NOT_SHARED);
        assertThat(e.disks().get(0).libvirt().reason()).as("libvirt checks a block device's cache mode only")
                .isEqualTo(ReasonCode.SAFE_CACHE_MODE);
    }

    @Test
    void whatCannotBeToldStaysAsWithoutDiscovery() {
        Evaluation e = evaluate(
                "<disk type='file'><driver cache='none'/><source file='/mnt/whatever/a.img'/><target dev='vda'/></disk>",
                "<disk type='volume'><driver cache='none'/><source pool='whatever' volume='b'/><target dev='vdb'/></disk>",
                "<disk type='volume'><driver cache='none'/><source pool='nowhere' volume='c'/><target dev='vdc'/></disk>",
                "<disk type='volume'><driver cache='none'/><source pool='images' volume='../../../srv/gfs2/x'/><target dev='vdd'/></disk>");

        assertThat(e.disks()).extracting(DiskVerdict::reason).containsExactly(ReasonCode.STORAGE_NOT_SHARED,
                ReasonCode.SAFE_CACHE_MODE, ReasonCode.SAFE_CACHE_MODE, ReasonCode.STORAGE_NOT_SHARED);
        assertThat(e.disks().get(3).classification().filesystem()).as("a volume name cannot climb out of its pool")
                .isNull();
    }

    private static Evaluation evaluate(String... disks) {
        var domain = PARSER.parse(("<domain type='kvm'><name>t</name><devices>" + String.join("", disks)
                + "</devices></domain>").getBytes(StandardCharsets.UTF_8));
        return new SafetyRule(TestPolicies.sample()).evaluate(domain,
                new MigrationRequest("kvm-a1", "kvm-a2", StorageMigration.NONE, null, false, null),
                new SourceHostFacts(false, false, true, POOLS));
    }
}
