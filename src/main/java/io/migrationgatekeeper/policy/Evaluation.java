package io.migrationgatekeeper.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * The rule's complete answer for one domain and request.
 *
 * @param decision       what the gatekeeper does
 * @param ruleDecision   what the rule alone decided; differs from {@code decision} only under {@code warn}
 * @param overrideApplied the unsafe override was needed and used
 */
public record Evaluation(
        Decision decision,
        Decision ruleDecision,
        Enforcement enforcement,
        boolean overrideApplied,
        List<DiskVerdict> disks,
        List<Violation> violations,
        List<Warning> warnings,
        LibvirtFlags flags) {

    public Evaluation {
        disks = List.copyOf(disks);
        violations = List.copyOf(violations);
        warnings = List.copyOf(warnings);
    }

    /** The rule denies, but enforcement {@code warn} lets the migration through. */
    public boolean wouldDeny() {
        return ruleDecision == Decision.DENIED && decision != Decision.DENIED;
    }

    /**
     * Which declarations a refusal by libvirt's own check ({@code VIR_ERR_MIGRATE_UNSAFE}, with its message)
     * contradicts, when this evaluation predicted that check would pass and sent no {@code VIR_MIGRATE_UNSAFE}:
     * for "without shared storage", each declaration that made a disk shared, cluster or network storage to
     * libvirt; for the cache message, each that exempted a disk from libvirt's cache check (a cluster type, a
     * detected drop-cache). Empty when libvirt's refusal was predicted, or its check was off.
     */
    public List<DeclarationConflict> contradictedBy(String libvirtMessage) {
        if (flags.unsafe() || libvirtMessage == null
                || disks.stream().anyMatch(d -> d.libvirt() != null && d.libvirt().refuses())) {
            return List.of();
        }
        List<DeclarationConflict> conflicts = new ArrayList<>();
        for (DiskVerdict d : disks) {
            LibvirtVerdict predicted = d.libvirt();
            if (predicted == null) {
                continue;
            }
            for (Declaration declaration : predicted.reliesOn()) {
                if (DeclarationConflict.contradicts(libvirtMessage, predicted.reason(), declaration.kind())) {
                    conflicts.add(new DeclarationConflict(d.disk().target(), declaration));
                }
            }
        }
        return List.copyOf(conflicts);
    }
}
