package io.migrationgatekeeper.preflight;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.migrationgatekeeper.policy.Disk;
import io.migrationgatekeeper.policy.DiskVerdict;
import io.migrationgatekeeper.policy.Evaluation;
import io.migrationgatekeeper.policy.LibvirtFlags;
import io.migrationgatekeeper.policy.LibvirtVerdict;
import io.migrationgatekeeper.policy.MigrationFlag;
import io.migrationgatekeeper.policy.Violation;
import io.migrationgatekeeper.policy.Warning;
import java.util.List;

/** The JSON body of an evaluation, in preflights and migrations; field names are the API contract (openapi.yaml). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PreflightResponse(
        String decisionId,
        String decision,
        String ruleDecision,
        String enforcement,
        boolean wouldDeny,
        boolean overrideApplied,
        DomainRef domain,
        Definition definition,
        RequestEcho request,
        List<DiskEntry> disks,
        List<ViolationEntry> violations,
        List<WarningEntry> warnings,
        Flags libvirtFlags,
        String policyRevision) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DomainRef(String name, String uuid, String type) {}

    /** Which definition was evaluated: {@code origin} {@code request} (the caller's XML) or {@code host}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Definition(String origin, String host, Boolean active) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RequestEcho(String sourceHost, String targetHost, String storageMigration, List<String> migrateDisks,
            boolean offline, String unsafeReason) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DiskEntry(String target, String bus, String type, String device, String source, String cache,
            String storageClass, String verdict, String reason, String message, String remedy,
            LibvirtVerdictEntry libvirtVerdict) {}

    /** What libvirt's own check would say about the disk without VIR_MIGRATE_UNSAFE, as predicted. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LibvirtVerdictEntry(String verdict, String reason, String storageClass, String message,
            String reliesOn) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ViolationEntry(String disk, String source, String reason, String message, String remedy) {}

    public record WarningEntry(String code, String message) {}

    public record Flags(boolean unsafe, int value, List<String> names) {}

    public static PreflightResponse of(PreflightService.Result result) {
        Evaluation e = result.evaluation();
        var request = result.request();
        return new PreflightResponse(
                result.decisionId(),
                e.decision().name(),
                e.ruleDecision().name(),
                e.enforcement().value(),
                e.wouldDeny(),
                e.overrideApplied(),
                new DomainRef(result.domain().name(), result.domain().uuid(), result.domain().type()),
                new Definition(result.definition().origin(), result.definition().host(), result.definition().active()),
                new RequestEcho(request.sourceHost(), request.targetHost(), request.storageMigration().value(),
                        request.migrateDisks(), request.offline(),
                        request.override().map(o -> o.reason()).orElse(null)),
                e.disks().stream().map(PreflightResponse::disk).toList(),
                e.violations().stream().map(PreflightResponse::violation).toList(),
                e.warnings().stream().map(PreflightResponse::warning).toList(),
                flags(e.flags()),
                result.policyRevision());
    }

    private static DiskEntry disk(DiskVerdict v) {
        Disk d = v.disk();
        return new DiskEntry(d.target(), d.bus(), d.type().xmlValue(), d.device().xmlValue(),
                d.source() == null ? null : d.source().describe(), d.cache().xmlValue(),
                v.classification() == null ? null : v.classification().storageClass().value(),
                v.verdict().name(), v.reason().name(), v.message(), v.remedy(), libvirtVerdict(v.libvirt()));
    }

    private static LibvirtVerdictEntry libvirtVerdict(LibvirtVerdict l) {
        return new LibvirtVerdictEntry(l.verdict().name(), l.reason().name(),
                l.storageClass() == null ? null : l.storageClass().value(), l.message(), l.describeReliance());
    }

    private static ViolationEntry violation(Violation v) {
        return new ViolationEntry(v.disk(), v.source(), v.reason().name(), v.message(), v.remedy());
    }

    private static WarningEntry warning(Warning w) {
        return new WarningEntry(w.code().name(), w.message());
    }

    private static Flags flags(LibvirtFlags flags) {
        return new Flags(flags.unsafe(), flags.value(), flags.flags().stream().map(MigrationFlag::libvirtName).toList());
    }
}
