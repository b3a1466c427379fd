package io.migrationgatekeeper.policy;

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
}
