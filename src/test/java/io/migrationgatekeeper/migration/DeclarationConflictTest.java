package io.migrationgatekeeper.migration;

import static io.migrationgatekeeper.migration.JobMachine.uuidOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.domainxml.DomainXmlParser;
import io.migrationgatekeeper.policy.Decision;
import io.migrationgatekeeper.policy.DeclarationConflict;
import io.migrationgatekeeper.policy.Evaluation;
import io.migrationgatekeeper.policy.MigrationRequest;
import io.migrationgatekeeper.policy.SafetyRule;
import io.migrationgatekeeper.policy.SourceHostFacts;
import io.migrationgatekeeper.policy.StorageMigration;
import io.migrationgatekeeper.policy.TestPolicies;
import io.migrationgatekeeper.preflight.PreflightService;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A refusal by libvirt's own check that the gatekeeper did not predict: the job names the declarations the host
 * contradicts, with their disks, and the conflict is published (for the metric) by the replica that ended the job.
 * The evaluation behind each job is the rule's real one, kept in the ledger as the decider keeps it; the lab shows
 * the same against real libvirt (LibvirtDifferentialIT).
 */
class DeclarationConflictTest {

    private static final String NOT_SHARED = "Unsafe migration: Migration without shared storage is unsafe";
    private static final String CACHE = "Unsafe migration: Migration may lead to data corruption if disks use cache"
            + " other than none or directsync";
    private static final DomainXmlParser PARSER = new DomainXmlParser(64);
    /** kvm-a's QEMU drops the page cache, and libvirt detects it ({@code qemu-drop-cache: auto}). */
    private static final SourceHostFacts DETECTED = new SourceHostFacts(true, true, true, List.of());
    /**
     * vda and vdc on gfs2 (libvirt recognises it: cluster storage, no cache check), vdb on nfs with cache writeback
     * (libvirt's cache check passes because it detects kvm-a's drop-cache): libvirt is predicted to accept all three,
     * so no VIR_MIGRATE_UNSAFE is sent.
     */
    private static final String DOMAIN = """
            <domain type='kvm'><name>vm-1</name><devices>
            <disk type='file'><driver cache='writeback'/><source file='/srv/gfs2/a.img'/><target dev='vda'/></disk>
            <disk type='file'><driver cache='writeback'/><source file='/srv/nfs/b.img'/><target dev='vdb'/></disk>
            <disk type='file'><driver cache='none'/><source file='/srv/gfs2/c.img'/><target dev='vdc'/></disk>
            </devices></domain>""";

    private final JobMachine machine = new JobMachine();
    private final JobEngine engine = machine.engine("replica-1");

    @Test
    void libvirtRefusingStorageDeclaredSharedNamesEachDeclarationWithItsDisks() throws Exception {
        MigrationJob done = refuse(queue("vm-1", DOMAIN, false), "VIR_ERR_MIGRATE_UNSAFE", NOT_SHARED);

        assertThat(done.state()).isEqualTo(JobState.FAILED);
        assertThat(done.error().code()).isEqualTo("DECLARATION_CONFLICT");
        assertThat(done.error().message()).isEqualTo(NOT_SHARED + " (VIR_ERR_MIGRATE_UNSAFE); the host contradicts"
                + " gfs2 filesystem declared at /srv/gfs2 (disks vda, vdc), nfs filesystem declared at /srv/nfs (disk vdb)");
        assertThat(machine.events(DeclarationsContradicted.class)).singleElement().satisfies(e ->
                assertThat(e.conflicts()).extracting(c -> c.disk() + " " + c.declaration().label())
                        .containsExactly("vda /srv/gfs2", "vdb /srv/nfs", "vdc /srv/gfs2"));
        assertThat(machine.events(MigrationEnded.class)).singleElement()
                .satisfies(e -> assertThat(e.outcome()).isEqualTo(JobState.FAILED));
    }

    @Test
    void theCacheRefusalNamesWhatExemptedTheDisksFromLibvirtsCacheCheck() throws Exception {
        MigrationJob done = refuse(queue("vm-1", DOMAIN, false), "VIR_ERR_MIGRATE_UNSAFE", CACHE);

        assertThat(done.error().code()).isEqualTo("DECLARATION_CONFLICT");
        assertThat(done.error().message()).isEqualTo(CACHE + " (VIR_ERR_MIGRATE_UNSAFE); the host contradicts gfs2"
                + " filesystem declared at /srv/gfs2 (disks vda, vdc), qemu-drop-cache: auto of source host kvm-a"
                + " (QEMU 4.0 or later detected) (disk vdb)");
        assertThat(machine.events(DeclarationsContradicted.class)).singleElement().satisfies(e ->
                assertThat(e.conflicts()).extracting(c -> c.declaration().label())
                        .containsExactly("/srv/gfs2", "qemu-drop-cache:kvm-a", "/srv/gfs2"));
    }

    @Test
    void otherFailuresAndUnknownRefusalsKeepLibvirtsCode() throws Exception {
        MigrationJob other = refuse(queue("vm-1", DOMAIN, false), "VIR_ERR_OPERATION_FAILED", NOT_SHARED);
        assertThat(other.error()).isEqualTo(new MigrationJob.JobError("VIR_ERR_OPERATION_FAILED", NOT_SHARED));

        MigrationJob unexplained = refuse(queue("vm-2", DOMAIN.replace("vm-1", "vm-2"), false),
                "VIR_ERR_MIGRATE_UNSAFE", "Unsafe migration: something new");
        assertThat(unexplained.error().code()).isEqualTo("VIR_ERR_MIGRATE_UNSAFE");
        assertThat(machine.events(DeclarationsContradicted.class)).isEmpty();
    }

    /** libvirt's check was off (the flag was sent): its refusal cannot contradict a prediction. */
    @Test
    void aJobSentWithTheUnsafeFlagKeepsLibvirtsCode() throws Exception {
        MigrationJob done = refuse(queue("vm-1", DOMAIN, true), "VIR_ERR_MIGRATE_UNSAFE", NOT_SHARED);

        assertThat(done.error()).isEqualTo(new MigrationJob.JobError("VIR_ERR_MIGRATE_UNSAFE", NOT_SHARED));
        assertThat(machine.events(DeclarationsContradicted.class)).isEmpty();
    }

    /** A refusal the gatekeeper predicted (vdb on moosefs, which libvirt takes for local storage) names nothing. */
    @Test
    void aPredictedRefusalIsNoConflict() {
        Evaluation evaluation = evaluate(DOMAIN.replace("/srv/nfs/b.img", "/srv/moose-cluster/b.img"));
        EvaluationRecord stored = stored(evaluation);

        assertThat(evaluation.flags().unsafe()).as("the gatekeeper knows better than libvirt about vdb").isTrue();
        assertThat(stored.contradictedBy(NOT_SHARED)).isEmpty();
        EvaluationRecord withoutFlag = new EvaluationRecord(stored.wouldDeny(), stored.overrideApplied(), false,
                stored.live(), stored.destination(), stored.warnings());
        assertThat(withoutFlag.contradictedBy(NOT_SHARED)).as("libvirt was expected to refuse vdb").isEmpty();
    }

    /** What the ledger kept answers as the rule itself does: the job names what the decision relied on. */
    @Test
    void theLedgersRecordNamesWhatTheEvaluationNames() {
        Evaluation evaluation = evaluate(DOMAIN);
        for (String message : List.of(NOT_SHARED, CACHE, "Unsafe migration: something new")) {
            assertThat(stored(evaluation).contradictedBy(message)).as(message)
                    .isEqualTo(evaluation.contradictedBy(message));
        }
        assertThat(evaluation.contradictedBy(NOT_SHARED)).extracting(DeclarationConflict::describe).containsExactly(
                "vda: the host contradicts gfs2 filesystem declared at /srv/gfs2",
                "vdb: the host contradicts nfs filesystem declared at /srv/nfs",
                "vdc: the host contradicts gfs2 filesystem declared at /srv/gfs2");
    }

    private static Evaluation evaluate(String xml) {
        MigrationRequest request = new MigrationRequest("kvm-a", "kvm-b", StorageMigration.NONE, null, false, null);
        return new SafetyRule(TestPolicies.named("drop-cache")).evaluate(
                PARSER.parse(xml.getBytes(StandardCharsets.UTF_8)), request, DETECTED);
    }

    /** The compact record, through the ledger's JSON. */
    private static EvaluationRecord stored(Evaluation evaluation) {
        MigrationRequest request = new MigrationRequest("kvm-a", "kvm-b", StorageMigration.NONE, null, false, null);
        PreflightService.Result live = new PreflightService.Result(null, null,
                new PreflightService.Definition("host", "kvm-a", true), request, evaluation, "rev");
        tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder().build();
        return json.readValue(json.writeValueAsString(EvaluationRecord.of(live, null, evaluation.flags().unsafe())),
                EvaluationRecord.class);
    }

    /** An approved job for the domain, decided on its real evaluation; {@code unsafe} sends VIR_MIGRATE_UNSAFE. */
    private MigrationJob queue(String domain, String xml, boolean unsafe) {
        Evaluation evaluation = evaluate(xml);
        assertThat(evaluation.decision()).isEqualTo(Decision.ALLOWED);
        assertThat(evaluation.flags().unsafe()).as("libvirt is predicted to accept every disk").isFalse();
        MigrationDecision approved = machine.approved(domain, MigrationOptions.DEFAULTS);
        DecisionRecord d = approved.record();
        DecisionRecord record = new DecisionRecord(d.id(), d.decidedAt(), d.requester(), d.requestId(), d.domainName(), d.domainUuid(),
                d.sourceHost(), d.targetHost(), Decision.ALLOWED, Decision.ALLOWED, d.enforcement(), d.reasons(),
                d.overrideReason(), d.policyRevision(), d.request(), stored(evaluation));
        MigrationRequest request = new MigrationRequest("kvm-a", "kvm-b", StorageMigration.NONE, null, false, null);
        MigrationPlan plan = MigrationPlan.of(request, unsafe, MigrationOptions.DEFAULTS, JobMachine.B, null);
        machine.gateway.place("kvm-a", uuidOf(domain), MigrationGateway.Presence.RUNNING);
        return machine.ledger.admit(new MigrationDecision(record, plan, approved.options()), null,
                machine.clock.instant()).orElseThrow();
    }

    private MigrationJob refuse(MigrationJob queued, String code, String message) throws Exception {
        List<MigrationJob> claimed = engine.claim();
        assertThat(claimed).extracting(MigrationJob::id).containsExactly(queued.id());
        CompletableFuture<Void> running = CompletableFuture.runAsync(() -> engine.run(claimed.get(0)));
        machine.gateway.awaitMigrating(queued.domainUuid());
        machine.gateway.fail(queued.domainUuid(), "kvm-a", code, message);
        running.get(5, TimeUnit.SECONDS);
        return machine.job(queued.id());
    }
}
