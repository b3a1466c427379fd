package io.migrationgatekeeper.fleet;

import io.migrationgatekeeper.inventory.HostInventory;
import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.policy.MigrationRequest;
import io.migrationgatekeeper.policy.StorageMigration;
import io.migrationgatekeeper.policyconfig.EffectivePolicy;
import io.migrationgatekeeper.problem.ApiException;
import io.migrationgatekeeper.problem.ProblemType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Which guests on a host can move: every domain, and the rule's verdict on each active one. */
@RestController
class HostDomainsController {

    private final HostInventory inventory;
    private final HostDomains hostDomains;
    private final FleetEvaluator evaluator;
    private final EffectivePolicy policy;

    HostDomainsController(HostInventory inventory, HostDomains hostDomains, FleetEvaluator evaluator,
            EffectivePolicy policy) {
        this.inventory = inventory;
        this.hostDomains = hostDomains;
        this.evaluator = evaluator;
        this.policy = policy;
    }

    @GetMapping(path = "/v1/hosts/{name}/domains", produces = MediaType.APPLICATION_JSON_VALUE)
    HostDomainsView domains(@PathVariable String name, @RequestParam(required = false) String targetHost,
            @RequestParam(required = false) String storageMigration) {
        InventoryHost host = inventory.find(name).orElseThrow(() -> new ApiException(ProblemType.HOST_NOT_FOUND,
                "'" + name + "' is not in the host inventory (gatekeeper.hosts)"));
        // Everything the caller got wrong is refused before the host is contacted.
        InventoryHost target = targetHost == null ? null : inventory.require("targetHost", targetHost);
        StorageMigration mode = StorageMigration.fromRequest(storageMigration);
        MigrationRequest request = FleetEvaluator.request(host, target, mode);
        String revision = policy.revision();

        // Each definition is judged as it is read and dropped: only the verdicts are kept.
        Function<DomainOnHost, Assessment> judge = evaluator.judge(request);
        List<HostDomainsView.DomainView> views = new ArrayList<>(hostDomains.list(host, domain ->
                new HostDomainsView.DomainView(domain.name(), domain.uuid(), domain.state(), domain.persistent(),
                        domain.active() ? judge.apply(domain) : null)));
        int active = 0;
        int migratable = 0;
        int notMigratable = 0;
        int unevaluable = 0;
        for (HostDomainsView.DomainView view : views) {
            Assessment assessment = view.evaluation();
            if (assessment == null) {
                continue;
            }
            active++;
            if (!assessment.judged()) {
                unevaluable++;
            } else if (assessment.migratable()) {
                migratable++;
            } else {
                notMigratable++;
            }
        }
        views.sort(Comparator.comparing(HostDomainsView.DomainView::name));
        return new HostDomainsView(host.name(), target == null ? null : target.name(), mode.value(), revision,
                new HostDomainsView.Totals(views.size(), active, migratable, notMigratable, unevaluable), views);
    }
}
