package io.migrationgatekeeper.fleet;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One completed sweep of the fleet: {@code GET /v1/audit}, and what the audit metrics show.
 *
 * @param sweptAt          when the sweep started
 * @param hosts            inventory hosts swept, reachable or not
 * @param domains          running (active) domains judged or tried
 * @param notMigratable    running domains the rule denies (its own verdict, also under enforcement {@code warn})
 * @param unevaluable      running domains whose definition could not be judged
 * @param byReason         for each reason that denies, the running domains with at least one disk denied for it
 */
public record AuditSweep(
        Instant sweptAt,
        long durationMs,
        String policyRevision,
        int hosts,
        int unreachableHosts,
        int domains,
        int notMigratable,
        int unevaluable,
        Map<String, Integer> byReason,
        List<HostAudit> perHost) {

    /**
     * One host's part of a sweep; an unreachable host has only its {@code error}.
     *
     * @param domains running domains on the host
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HostAudit(
            String host,
            boolean reachable,
            Integer domains,
            Integer notMigratable,
            Integer unevaluable,
            Map<String, Integer> byReason,
            String error) {

        static HostAudit unreachable(String host, String error) {
            return new HostAudit(host, false, null, null, null, null, error);
        }
    }
}
