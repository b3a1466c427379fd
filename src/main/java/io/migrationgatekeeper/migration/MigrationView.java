package io.migrationgatekeeper.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.migrationgatekeeper.policy.LibvirtFlags;
import io.migrationgatekeeper.policy.MigrationFlag;
import java.time.Instant;
import java.util.List;

/** A migration job as the API shows it (openapi.yaml {@code Migration}), built from the ledger's typed records. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record MigrationView(
        String id,
        String state,
        DomainRef domain,
        String sourceHost,
        String targetHost,
        String decision,
        String decisionId,
        String requester,
        String requestId,
        String overrideReason,
        Flags libvirtFlags,
        Parameters parameters,
        MigrationOptions options,
        JobProgress progress,
        Error error,
        boolean cancelRequested,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        Evaluation evaluation) {

    record DomainRef(String name, String uuid) {}

    record Flags(int value, List<String> names) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Parameters(String destinationUri, String migrateUri, String listenAddress, Long bandwidthMiBps,
            List<String> migrateDisks, Boolean destinationXml, Long maxDowntimeMs) {}

    record Error(String code, String message) {}

    record Page(List<MigrationView> items, String nextCursor) {}

    /**
     * The decision behind a job or a denial (openapi.yaml {@code MigrationEvaluation}): what the ledger keeps, per
     * disk and per violation, for the live definition and the destination one.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Evaluation(String decision, String ruleDecision, String enforcement, boolean wouldDeny,
            boolean overrideApplied, boolean unsafeFlag, List<String> reasons, String policyRevision, Side live,
            Side destination, List<EvaluationRecord.Note> warnings) {

        static Evaluation of(DecisionRecord d) {
            EvaluationRecord e = d.evaluation();
            if (e == null) {
                return null;
            }
            return new Evaluation(d.decision().name(), d.ruleDecision().name(), d.enforcement().value(), e.wouldDeny(),
                    e.overrideApplied(), e.unsafeFlag(), d.reasons(), d.policyRevision(), Side.of(e.live()),
                    Side.of(e.destination()), e.warnings());
        }
    }

    /** One evaluated definition: {@code live} (read from the source host) or {@code destination} (the caller's). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Side(String host, Boolean active, List<Disk> disks, List<EvaluationRecord.ViolationRecord> violations) {

        static Side of(EvaluationRecord.Side side) {
            return side == null ? null : new Side(side.host(), side.active(),
                    side.disks().stream().map(Disk::of).toList(), side.violations());
        }
    }

    /** One disk's verdict, and libvirt's own as predicted, in the shape preflight answers use for them. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Disk(String target, String source, String cache, String storageClass, String verdict, String reason,
            LibvirtVerdict libvirtVerdict) {

        static Disk of(EvaluationRecord.DiskRecord d) {
            EvaluationRecord.LibvirtRecord l = d.libvirt();
            return new Disk(d.target(), d.source(), d.cache(), d.storageClass(), d.verdict(), d.reason(),
                    l == null ? null : new LibvirtVerdict(l.verdict(), l.reason(), l.storageClass(), l.message(),
                            l.describeReliance()));
        }
    }

    /** openapi.yaml {@code LibvirtVerdict}, as in preflight answers. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record LibvirtVerdict(String verdict, String reason, String storageClass, String message, String reliesOn) {}

    /** @param decision the job's decision record, for its evaluation; null leaves the evaluation out (lists) */
    static MigrationView of(MigrationJob job, DecisionRecord decision) {
        MigrationPlan plan = job.plan();
        return new MigrationView(job.id(), job.state().name(), new DomainRef(job.domainName(), job.domainUuid()),
                job.sourceHost(), job.targetHost(), job.decision(), job.decisionId(), job.requester(),
                job.requestId(), job.overrideReason(), new Flags(plan.flags(), names(plan.flags())),
                new Parameters(plan.destinationUri(), plan.migrateUri(), plan.listenAddress(), plan.bandwidthMiBps(),
                        plan.migrateDisks(), job.sendsDestinationXml() ? true : null, plan.maxDowntimeMs()),
                job.options(), job.progress(),
                job.error() == null ? null : new Error(job.error().code(), job.error().message()),
                job.cancelRequested(), job.createdAt(), job.startedAt(), job.finishedAt(),
                decision == null ? null : Evaluation.of(decision));
    }

    private static List<String> names(int flags) {
        return new LibvirtFlags(flags).flags().stream().map(MigrationFlag::libvirtName).toList();
    }
}
