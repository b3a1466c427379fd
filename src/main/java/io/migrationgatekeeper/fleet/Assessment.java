package io.migrationgatekeeper.fleet;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.migrationgatekeeper.policy.Decision;
import io.migrationgatekeeper.policy.Evaluation;
import java.util.List;

/**
 * A running domain's verdict in a fleet view: the decision, and which disks stand in the way for which reason.
 *
 * @param ruleDecision what the rule alone decided: differs from {@code decision} only under enforcement {@code warn};
 *                     the audit counts it, so a would-deny is not hidden by {@code warn}
 * @param error        why the domain could not be judged (its definition is not one the parser accepts); the
 *                     decision fields are then absent
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Assessment(Decision decision, Decision ruleDecision, List<Blocker> violations, String error) {

    /** An unsafe or blocked disk: its target device and the rule's reason code. */
    public record Blocker(String disk, String reason) {}

    static Assessment of(Evaluation evaluation) {
        return new Assessment(evaluation.decision(), evaluation.ruleDecision(),
                evaluation.violations().stream().map(v -> new Blocker(v.disk(), v.reason().name())).toList(), null);
    }

    static Assessment failed(String error) {
        return new Assessment(null, null, null, error);
    }

    /** The rule lets it move (error: unknown, so not counted either way). */
    @JsonIgnore
    public boolean migratable() {
        return error == null && ruleDecision != Decision.DENIED;
    }

    @JsonIgnore
    public boolean judged() {
        return error == null;
    }
}
