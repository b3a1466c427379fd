package io.migrationgatekeeper.fleet;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** {@code GET /v1/hosts/{name}/domains}: the host's domains, each active one with its verdict. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record HostDomainsView(
        String host,
        String targetHost,
        String storageMigration,
        String policyRevision,
        Totals totals,
        List<DomainView> domains) {

    /**
     * @param active        domains that run (or are paused): those a live migration concerns, each judged
     * @param notMigratable active domains the rule denies
     * @param unevaluable   active domains whose definition could not be judged
     */
    record Totals(int domains, int active, int migratable, int notMigratable, int unevaluable) {}

    /** @param evaluation present for an active domain */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DomainView(String name, String uuid, DomainState state, boolean persistent, Assessment evaluation) {}
}
