package io.migrationgatekeeper.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.migrationgatekeeper.policy.Declaration;
import io.migrationgatekeeper.policy.DeclarationConflict;
import io.migrationgatekeeper.policy.Disk;
import io.migrationgatekeeper.policy.DiskVerdict;
import io.migrationgatekeeper.policy.Evaluation;
import io.migrationgatekeeper.policy.LibvirtVerdict;
import io.migrationgatekeeper.policy.ReasonCode;
import io.migrationgatekeeper.policy.Violation;
import io.migrationgatekeeper.policy.Warning;
import io.migrationgatekeeper.preflight.PreflightService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the ledger keeps of a migration's evaluation: per disk its target, source, cache mode, storage class,
 * verdict and reason, and libvirt's own predicted verdict with the declarations that prediction relies on (so a
 * refusal by libvirt can be traced to the declaration it contradicts); violations and warnings with their messages. Compact and size-bounded (every string is cut
 * at {@link #MAX_TEXT}, and the parser bounds the number of disks), so one request is one small row however
 * hostile its XML. It is the ledger's format, mapped to the API's by {@link MigrationView}.
 *
 * @param unsafeFlag whether {@code VIR_MIGRATE_UNSAFE} was derived (from the source's live disks only)
 * @param destination the caller's {@code destinationXml}, judged too; null without one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record EvaluationRecord(boolean wouldDeny, boolean overrideApplied, boolean unsafeFlag, Side live, Side destination,
        List<Note> warnings) {

    /** The longest text kept of any one field (a source path, a message). */
    static final int MAX_TEXT = 512;

    /** One evaluated definition: the live one read from the source host, or the destination the caller sent. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Side(String host, Boolean active, List<DiskRecord> disks, List<ViolationRecord> violations) {}

    /** @param libvirt libvirt's own verdict, as predicted; null in rows written before it was kept */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DiskRecord(String target, String source, String cache, String storageClass, String verdict, String reason,
            LibvirtRecord libvirt) {}

    /**
     * libvirt's own verdict on a disk without {@code VIR_MIGRATE_UNSAFE}, as predicted (see
     * {@link LibvirtVerdict}).
     *
     * @param message  libvirt's words when it would refuse
     * @param reliesOn the declarations the prediction takes libvirt to confirm; empty when none
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record LibvirtRecord(String verdict, String reason, String storageClass, String message,
            List<DeclarationRecord> reliesOn) {

        /** The declarations, as the API shows them: one line, or null. */
        String describeReliance() {
            return reliesOn == null || reliesOn.isEmpty() ? null
                    : reliesOn.stream().map(DeclarationRecord::description).collect(Collectors.joining("; "));
        }
    }

    /** A declaration a prediction relies on: its kind and key identify it in the configuration. */
    record DeclarationRecord(String kind, String key, String description) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ViolationRecord(String disk, String reason, String message, String remedy) {}

    record Note(String code, String message) {}

    /**
     * Which declarations libvirt contradicts by refusing this migration with {@code VIR_ERR_MIGRATE_UNSAFE} and
     * {@code libvirtMessage}, as {@link Evaluation#contradictedBy} says, from what this record kept of the live
     * definition (the one libvirt's check runs on). Empty when {@code VIR_MIGRATE_UNSAFE} was sent (libvirt's check
     * was off), when the refusal was predicted (some disk was expected to be refused), and for rows written before
     * predictions were kept.
     */
    List<DeclarationConflict> contradictedBy(String libvirtMessage) {
        if (unsafeFlag || live == null || libvirtMessage == null
                || live.disks().stream().anyMatch(d -> d.libvirt() == null || !"SAFE".equals(d.libvirt().verdict()))) {
            return List.of();
        }
        List<DeclarationConflict> conflicts = new ArrayList<>();
        for (DiskRecord disk : live.disks()) {
            ReasonCode predicted = known(ReasonCode.values(), disk.libvirt().reason());
            for (DeclarationRecord d : disk.libvirt().reliesOn() == null ? List.<DeclarationRecord>of()
                    : disk.libvirt().reliesOn()) {
                Declaration.Kind kind = known(Declaration.Kind.values(), d.kind());
                if (predicted != null && kind != null && DeclarationConflict.contradicts(libvirtMessage, predicted, kind)) {
                    conflicts.add(new DeclarationConflict(disk.target(), new Declaration(kind, d.key(), d.description())));
                }
            }
        }
        return List.copyOf(conflicts);
    }

    /** A value of a ledger row's enum column, or null for one this version does not know. */
    private static <E extends Enum<E>> E known(E[] values, String name) {
        return Arrays.stream(values).filter(v -> v.name().equals(name)).findFirst().orElse(null);
    }

    static EvaluationRecord of(PreflightService.Result live, PreflightService.Result destination, boolean unsafeFlag) {
        Evaluation e = live.evaluation();
        List<Note> warnings = e.warnings().stream().map(EvaluationRecord::note).toList();
        if (destination != null) {
            warnings = Stream.concat(warnings.stream(),
                    destination.evaluation().warnings().stream().map(EvaluationRecord::note)).distinct().toList();
        }
        return new EvaluationRecord(e.wouldDeny() || destination != null && destination.evaluation().wouldDeny(),
                e.overrideApplied() || destination != null && destination.evaluation().overrideApplied(), unsafeFlag,
                side(live), destination == null ? null : side(destination), warnings);
    }

    private static Side side(PreflightService.Result result) {
        Evaluation e = result.evaluation();
        return new Side(result.definition().host(), result.definition().active(),
                e.disks().stream().map(EvaluationRecord::disk).toList(),
                e.violations().stream().map(EvaluationRecord::violation).toList());
    }

    private static DiskRecord disk(DiskVerdict v) {
        Disk d = v.disk();
        return new DiskRecord(cut(d.target()), d.source() == null ? null : cut(d.source().describe()),
                d.cache().xmlValue(), v.classification() == null ? null : v.classification().storageClass().value(),
                v.verdict().name(), v.reason().name(), libvirt(v.libvirt()));
    }

    private static LibvirtRecord libvirt(LibvirtVerdict l) {
        if (l == null) {
            return null;
        }
        return new LibvirtRecord(l.verdict().name(), l.reason().name(),
                l.storageClass() == null ? null : l.storageClass().value(), cut(l.message()),
                l.reliesOn().isEmpty() ? null : l.reliesOn().stream().map(EvaluationRecord::declaration).toList());
    }

    private static DeclarationRecord declaration(Declaration d) {
        return new DeclarationRecord(d.kind().name(), cut(d.key()), cut(d.description()));
    }

    private static ViolationRecord violation(Violation v) {
        return new ViolationRecord(cut(v.disk()), v.reason().name(), cut(v.message()), cut(v.remedy()));
    }

    private static Note note(Warning w) {
        return new Note(w.code().name(), cut(w.message()));
    }

    static String cut(String text) {
        return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 1) + "…";
    }
}
