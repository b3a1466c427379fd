package io.migrationgatekeeper.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migrationgatekeeper.domainxml.DomainXmlParser;
import io.migrationgatekeeper.testsupport.RuleCase;
import io.migrationgatekeeper.testsupport.RuleTable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SafetyRuleTest {

    private static final DomainXmlParser PARSER = new DomainXmlParser(64);

    static List<RuleCase> cases() {
        return RuleTable.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void ruleTable(RuleCase c) {
        Evaluation e = evaluate(c.policy(), c.domainXml(), request(c));

        assertThat(e.disks()).extracting(v -> v.reason().name()).as("reasons").containsExactlyElementsOf(c.reasons());
        assertThat(e.decision().name()).as("decision").isEqualTo(c.decision());
        assertThat(e.ruleDecision().name()).as("rule decision").isEqualTo(c.ruleDecision());
        assertThat(e.flags().unsafe()).as("VIR_MIGRATE_UNSAFE").isEqualTo(c.unsafeFlag());
        assertThat(e.warnings()).extracting(w -> w.code().name()).as("warnings")
                .containsExactlyInAnyOrderElementsOf(c.warnings());
        if (c.flags() != null) {
            assertThat(e.flags().value()).as("flags").isEqualTo(c.flags());
        }
        assertThat(e.violations()).extracting(v -> v.reason().name()).as("a violation per unsafe or blocked disk")
                .containsExactlyElementsOf(c.violations());
        assertThat(e.disks()).extracting(v -> v.libvirt().reason().name()).as("libvirt's predicted verdicts")
                .containsExactlyElementsOf(c.libvirtReasons());
    }

    @Test
    void tableCoversEveryReasonCodeAndDecision() {
        assertThat(RuleTable.all().stream().flatMap(c -> c.reasons().stream()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(java.util.Arrays.stream(ReasonCode.values()).map(Enum::name).toList());
        assertThat(RuleTable.all().stream().map(RuleCase::decision).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("ALLOWED", "DENIED", "ALLOWED_UNSAFE");
    }

    @Test
    void violationsCarryLibvirtsWordingAndARemedy() {
        Evaluation e = evaluate("sample", domain(
                "<disk type='file'><driver cache='writeback'/><source file='/srv/nfs/a.img'/><target dev='vda'/></disk>",
                "<disk type='file'><driver cache='none'/><source file='/var/lib/a.img'/><target dev='vdb'/></disk>",
                "<disk type='file'><driver cache='none'/><source file='/srv/nfs/t.img'/><target dev='vdc'/><transient/></disk>"),
                MigrationRequest.plain());

        // In libvirt's order: it refuses a transient disk before it looks at any disk's storage.
        assertThat(e.violations()).extracting(Violation::disk, Violation::source, Violation::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple("vdc", "/srv/nfs/t.img",
                        "Requested operation is not valid: migration with transient disk is not supported"),
                org.assertj.core.groups.Tuple.tuple("vda", "/srv/nfs/a.img", "Unsafe migration: Migration may lead to"
                        + " data corruption if disks use cache other than none or directsync"),
                org.assertj.core.groups.Tuple.tuple("vdb", "/var/lib/a.img",
                        "Unsafe migration: Migration without shared storage is unsafe"));
        assertThat(e.violations().get(1).remedy()).contains("cache='none'", "cluster filesystem", "storage migration",
                "override");
        assertThat(e.violations().get(2).remedy()).contains("storageMigration", "shared storage", "override");
        assertThat(e.violations().get(0).remedy()).contains("no override");
        assertThat(e.disks().get(2).verdict()).isEqualTo(Verdict.BLOCKED);
    }

    @Test
    void overrideIsRefusedWhenThePolicyDisablesIt() {
        var request = new MigrationRequest(null, null, StorageMigration.NONE, null, false, new UnsafeOverride("x"));
        SafetyRule rule = new SafetyRule(TestPolicies.named("no-override"));
        var domain = PARSER.parse(domain().getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> rule.evaluate(domain, request, SourceHostFacts.UNKNOWN))
                .isInstanceOf(UnsafeOverrideRefusedException.class)
                .hasMessageContaining("allow-unsafe-override");
    }

    @Test
    void unsafeFlagIsNotSentToALibvirtThatPredatesIt() {
        var request = new MigrationRequest("old", null, StorageMigration.NONE, null, false, new UnsafeOverride("OPS-9"));
        var domain = PARSER.parse(domain(
                "<disk type='file'><driver cache='none'/><source file='/var/lib/a.img'/><target dev='vda'/></disk>")
                .getBytes(StandardCharsets.UTF_8));

        Evaluation e = new SafetyRule(TestPolicies.sample()).evaluate(domain, request, new SourceHostFacts(false, false));

        assertThat(e.decision()).isEqualTo(Decision.ALLOWED_UNSAFE);
        assertThat(e.flags().unsafe()).isFalse();
        assertThat(e.warnings()).extracting(Warning::code).containsExactly(WarningCode.UNSAFE_FLAG_NOT_SUPPORTED);
    }

    @Test
    void migrateDisksMustNameDisksOfTheDomain() {
        var request = new MigrationRequest(null, null, StorageMigration.FULL, List.of("vda", "vdz"), false, null);
        var domain = PARSER.parse(domain(
                "<disk type='file'><source file='/var/lib/a.img'/><target dev='vda'/></disk>")
                .getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> new SafetyRule(TestPolicies.sample()).evaluate(domain, request, SourceHostFacts.UNKNOWN))
                .isInstanceOfSatisfying(InvalidMigrationRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("migrateDisks"))
                .hasMessageContaining("vdz").hasMessageContaining("its disks: vda");
    }

    @Test
    void migrateDisksNamingAReadOnlyOrEmptyDiskIsRefusedInLibvirtsWords() {
        var domain = PARSER.parse(domain(
                "<disk type='file'><driver cache='none'/><source file='/var/lib/a.img'/><target dev='vda'/></disk>",
                "<disk type='file'><source file='/var/lib/b.img'/><target dev='vdb'/><readonly/></disk>",
                "<disk type='file' device='cdrom'><target dev='hdc' bus='ide'/><readonly/></disk>")
                .getBytes(StandardCharsets.UTF_8));
        SafetyRule rule = new SafetyRule(TestPolicies.sample());

        for (StorageMigration mode : List.of(StorageMigration.FULL, StorageMigration.INCREMENTAL)) {
            assertThatThrownBy(() -> rule.evaluate(domain,
                    new MigrationRequest(null, null, mode, List.of("vda", "hdc"), false, null), SourceHostFacts.UNKNOWN))
                    .isInstanceOfSatisfying(InvalidMigrationRequestException.class,
                            e -> assertThat(e.parameter()).isEqualTo("migrateDisks"))
                    .hasMessageContaining("\"Operation not supported: Cannot migrate empty or read-only disk hdc\"")
                    .hasMessageContaining("hdc has no source");
            assertThatThrownBy(() -> rule.evaluate(domain,
                    new MigrationRequest(null, null, mode, List.of("hdc", "vdb", "vda"), false, null), SourceHostFacts.UNKNOWN))
                    .hasMessageContaining("Cannot migrate empty or read-only disk vdb\"")
                    .hasMessageContaining("vdb is read-only, hdc has no source");
            // libvirt's own check runs first: a domain it refuses is refused for that, as the rule denies it.
            Evaluation denied = rule.evaluate(domain,
                    new MigrationRequest(null, null, mode, List.of("hdc"), false, null), SourceHostFacts.UNKNOWN);
            assertThat(denied.decision()).isEqualTo(Decision.DENIED);
            assertThat(denied.violations()).extracting(Violation::reason).containsExactly(ReasonCode.STORAGE_NOT_SHARED);
        }
        // Without a list libvirt copies neither, and the rule judges them as it always did.
        Evaluation e = rule.evaluate(domain, new MigrationRequest(null, null, StorageMigration.FULL, null, false, null),
                SourceHostFacts.UNKNOWN);
        assertThat(e.disks()).extracting(DiskVerdict::reason)
                .containsExactly(ReasonCode.STORAGE_MIGRATED, ReasonCode.READONLY, ReasonCode.EMPTY);
        assertThat(e.decision()).isEqualTo(Decision.ALLOWED);
    }

    @Test
    void dropCacheLibvirtDetectsItselfNeedsNoFlagAndAForcedOneDoes() {
        var domain = PARSER.parse(domain(
                "<disk type='file'><driver cache='writeback'/><source file='/srv/nfs/a.img'/><target dev='vda'/></disk>")
                .getBytes(StandardCharsets.UTF_8));
        var request = new MigrationRequest("kvm-a1", null, StorageMigration.NONE, null, false, null);
        SafetyRule rule = new SafetyRule(TestPolicies.named("drop-cache"));

        Evaluation detected = rule.evaluate(domain, request, new SourceHostFacts(true, true, true, List.of()));
        Evaluation forced = rule.evaluate(domain, request, new SourceHostFacts(true, false, true, List.of()));

        assertThat(detected.disks().get(0).reason()).isEqualTo(ReasonCode.DROP_CACHE);
        assertThat(detected.disks().get(0).libvirt().reason()).isEqualTo(ReasonCode.DROP_CACHE);
        assertThat(detected.disks().get(0).libvirt().describeReliance())
                .isEqualTo("nfs filesystem declared at /srv/nfs; qemu-drop-cache: auto of source host kvm-a1"
                        + " (QEMU 4.0 or later detected)");
        assertThat(detected.flags().unsafe()).isFalse();
        assertThat(forced.disks().get(0).reason()).isEqualTo(ReasonCode.DROP_CACHE);
        assertThat(forced.disks().get(0).libvirt().reason()).isEqualTo(ReasonCode.CACHE_MODE_UNSAFE);
        assertThat(forced.disks().get(0).libvirt().message()).isEqualTo(
                "Unsafe migration: Migration may lead to data corruption if disks use cache other than none or directsync");
        assertThat(forced.flags().unsafe()).isTrue();
        // libvirt skips its cache check for a QEMU it sees drop the cache, whatever the gatekeeper's switch says.
        Evaluation notHonoured = new SafetyRule(TestPolicies.sample()).evaluate(domain, request,
                new SourceHostFacts(true, true, true, List.of()));
        assertThat(notHonoured.decision()).isEqualTo(Decision.DENIED);
        assertThat(notHonoured.disks().get(0).libvirt().reason()).isEqualTo(ReasonCode.DROP_CACHE);
    }

    @Test
    void libvirtsPredictedVerdictNamesTheDeclarationItRestsOn() {
        Evaluation e = evaluate("sample", domain(
                "<disk type='file'><driver cache='writeback'/><source file='/srv/gfs2/a.img'/><target dev='vda'/></disk>",
                "<disk type='file'><driver cache='writeback'/><source file='/srv/moose-cluster/a.img'/><target dev='vdb'/></disk>",
                "<disk type='volume'><driver cache='writeback'/><source pool='gfs2-pool' volume='v'/><target dev='vdc'/></disk>",
                "<disk type='block'><driver cache='none'/><source dev='/dev/sdz'/><target dev='vdd'/></disk>"),
                MigrationRequest.plain());

        assertThat(e.disks()).extracting(v -> v.libvirt().describeReliance()).containsExactly(
                "gfs2 filesystem declared at /srv/gfs2", null, "pool gfs2-pool declared cluster", null);
        assertThat(e.disks()).extracting(v -> v.libvirt().storageClass()).containsExactly(
                StorageClass.CLUSTER, StorageClass.LOCAL, StorageClass.CLUSTER, StorageClass.OTHER);
        assertThat(e.disks().get(1).libvirt().message())
                .isEqualTo("Unsafe migration: Migration without shared storage is unsafe");
        assertThat(e.flags().unsafe()).as("vdb: libvirt cannot see moosefs").isTrue();
    }

    @Test
    void aRefusalByLibvirtNamesTheDeclarationsTheHostContradicts() {
        String notShared = "Unsafe migration: Migration without shared storage is unsafe";
        String cache = "Unsafe migration: Migration may lead to data corruption if disks use cache other than none or"
                + " directsync";
        Evaluation gfs2AndPool = evaluate("sample", domain(
                "<disk type='file'><driver cache='writeback'/><source file='/srv/gfs2/a.img'/><target dev='vda'/></disk>",
                "<disk type='volume'><driver cache='none'/><source pool='gfs2-pool' volume='v'/><target dev='vdb'/></disk>",
                "<disk type='file'><driver cache='none'/><source file='/srv/nfs/b.img'/><target dev='vdc'/></disk>",
                "<disk type='block'><driver cache='none'/><source dev='/dev/sdz'/><target dev='vdd'/></disk>"),
                MigrationRequest.plain());

        assertThat(gfs2AndPool.contradictedBy(notShared)).extracting(DeclarationConflict::describe).containsExactly(
                "vda: the host contradicts gfs2 filesystem declared at /srv/gfs2",
                "vdb: the host contradicts pool gfs2-pool declared cluster",
                "vdc: the host contradicts nfs filesystem declared at /srv/nfs");
        assertThat(gfs2AndPool.contradictedBy(notShared)).extracting(c -> c.declaration().label())
                .containsExactly("/srv/gfs2", "pool:gfs2-pool", "/srv/nfs");
        assertThat(gfs2AndPool.contradictedBy(cache)).as("a cluster type skips libvirt's cache check")
                .extracting(DeclarationConflict::describe).containsExactly(
                        "vda: the host contradicts gfs2 filesystem declared at /srv/gfs2",
                        "vdb: the host contradicts pool gfs2-pool declared cluster");
        assertThat(gfs2AndPool.contradictedBy("Requested operation is not valid: something else")).isEmpty();

        var request = new MigrationRequest("kvm-a1", null, StorageMigration.NONE, null, false, null);
        var onNfs = PARSER.parse(domain(
                "<disk type='file'><driver cache='writeback'/><source file='/srv/nfs/a.img'/><target dev='vda'/></disk>")
                .getBytes(StandardCharsets.UTF_8));
        Evaluation detected = new SafetyRule(TestPolicies.named("drop-cache")).evaluate(onNfs, request,
                new SourceHostFacts(true, true, true, List.of()));
        assertThat(detected.contradictedBy(cache)).extracting(c -> c.declaration().label())
                .containsExactly("qemu-drop-cache:kvm-a1");
        assertThat(detected.contradictedBy(notShared)).extracting(c -> c.declaration().label())
                .containsExactly("/srv/nfs");

        Evaluation flagged = evaluate("sample", domain("<disk type='file'><driver cache='writeback'/>"
                + "<source file='/srv/moose-cluster/a.img'/><target dev='vda'/></disk>"), MigrationRequest.plain());
        assertThat(flagged.flags().unsafe()).isTrue();
        assertThat(flagged.contradictedBy(notShared)).as("libvirt's check was off").isEmpty();
        Evaluation predicted = evaluate("warn", domain("<disk type='file'><driver cache='none'/>"
                + "<source file='/var/lib/a.img'/><target dev='vda'/></disk>"), MigrationRequest.plain());
        assertThat(predicted.contradictedBy(notShared)).as("libvirt's refusal was predicted").isEmpty();
    }

    @Test
    void requestsThatCannotBeMadeAreRejected() {
        assertThatThrownBy(() -> new MigrationRequest(null, null, StorageMigration.NONE, List.of("vda"), false, null))
                .hasMessageContaining("migrateDisks").hasMessageContaining("full or incremental");
        assertThatThrownBy(() -> new MigrationRequest("kvm-a1", "kvm-a1", StorageMigration.NONE, null, false, null))
                .hasMessageContaining("targetHost");
        assertThatThrownBy(() -> new UnsafeOverride("  ")).hasMessageContaining("unsafe.reason");
    }

    private static Evaluation evaluate(String policy, String xml, MigrationRequest request) {
        SourceHostFacts facts = request.sourceHost() == null
                ? SourceHostFacts.UNKNOWN : TestPolicies.HOSTS.get(request.sourceHost());
        return new SafetyRule(TestPolicies.named(policy)).evaluate(PARSER.parse(xml.getBytes(StandardCharsets.UTF_8)),
                request, facts);
    }

    private static MigrationRequest request(RuleCase c) {
        return new MigrationRequest(c.sourceHost(), c.targetHost(), StorageMigration.parse(c.storageMigration()).orElseThrow(),
                c.migrateDisks(), c.offline(), c.unsafeReason() == null ? null : new UnsafeOverride(c.unsafeReason()));
    }

    private static String domain(String... disks) {
        return "<domain type='kvm'><name>t</name><devices>" + String.join("", disks) + "</devices></domain>";
    }
}
