package io.migrationgatekeeper.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.domainxml.DomainXmlParser;
import io.migrationgatekeeper.policy.Decision;
import io.migrationgatekeeper.policy.Evaluation;
import io.migrationgatekeeper.policy.MigrationRequest;
import io.migrationgatekeeper.policy.SafetyRule;
import io.migrationgatekeeper.policy.StorageMigration;
import io.migrationgatekeeper.policy.TestPolicies;
import io.migrationgatekeeper.preflight.PreflightService;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the ledger keeps of an evaluation, and what a migration answer shows of it: the compact record keeps libvirt's
 * own predicted verdict per disk (issue 14) and the declarations it relies on, through the ledger's JSON and back.
 */
class EvaluationRecordTest {

    private static final DomainXmlParser PARSER = new DomainXmlParser(64);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void eachDiskKeepsLibvirtsPredictedVerdictAndWhatItReliesOn() {
        MigrationRequest request = new MigrationRequest("kvm-b1", "kvm-a1", StorageMigration.NONE, null, false, null);
        Evaluation evaluation = new SafetyRule(TestPolicies.sample()).evaluate(PARSER.parse(("""
                <domain type='kvm'><name>t</name><uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid><devices>
                <disk type='file'><driver cache='writeback'/><source file='/srv/gfs2/a.img'/><target dev='vda'/></disk>
                <disk type='file'><driver cache='writeback'/><source file='/srv/moose-cluster/b.img'/><target dev='vdb'/></disk>
                </devices></domain>""").getBytes(StandardCharsets.UTF_8)), request, TestPolicies.HOSTS.get("kvm-b1"));
        PreflightService.Result live = new PreflightService.Result(null, null,
                new PreflightService.Definition("host", "kvm-b1", true), request, evaluation, "rev");

        EvaluationRecord stored = JSON.readValue(JSON.writeValueAsString(EvaluationRecord.of(live, null,
                evaluation.flags().unsafe())), EvaluationRecord.class);
        DecisionRecord decision = new DecisionRecord("d", java.time.Instant.EPOCH, "portal", null, "t", null, "kvm-b1",
                "kvm-a1", Decision.ALLOWED, Decision.ALLOWED, evaluation.enforcement(), List.of(), null, "rev", null,
                stored);
        List<MigrationView.Disk> disks = MigrationView.Evaluation.of(decision).live().disks();

        assertThat(disks).extracting(MigrationView.Disk::reason).containsExactly("CLUSTER_FS", "CLUSTER_FS");
        MigrationView.LibvirtVerdict gfs2 = disks.get(0).libvirtVerdict();
        assertThat(gfs2.verdict()).isEqualTo("SAFE");
        assertThat(gfs2.reason()).as("libvirt sees gfs2 itself").isEqualTo("CLUSTER_FS");
        assertThat(gfs2.reliesOn()).isEqualTo("gfs2 filesystem declared at /srv/gfs2");
        MigrationView.LibvirtVerdict moose = disks.get(1).libvirtVerdict();
        assertThat(moose.reason()).as("libvirt takes moosefs for local storage").isEqualTo("STORAGE_NOT_SHARED");
        assertThat(moose.storageClass()).isEqualTo("local");
        assertThat(moose.message()).isEqualTo("Unsafe migration: Migration without shared storage is unsafe");
        assertThat(moose.reliesOn()).isNull();
        assertThat(stored.unsafeFlag()).as("libvirt would refuse vdb, which the gatekeeper knows is cluster").isTrue();
        assertThat(stored.live().disks().get(0).libvirt().reliesOn()).singleElement()
                .isEqualTo(new EvaluationRecord.DeclarationRecord("FILESYSTEM", "/srv/gfs2",
                        "gfs2 filesystem declared at /srv/gfs2"));
    }
}
