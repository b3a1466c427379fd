package io.migrationgatekeeper.preflight;

import io.migrationgatekeeper.domainxml.DomainXmlParser;
import io.migrationgatekeeper.libvirt.HostInventory;
import io.migrationgatekeeper.libvirt.InventoryHost;
import io.migrationgatekeeper.observability.DecisionMetrics;
import io.migrationgatekeeper.policy.Domain;
import io.migrationgatekeeper.policy.Evaluation;
import io.migrationgatekeeper.policy.MigrationRequest;
import io.migrationgatekeeper.policy.SourceHostFacts;
import io.migrationgatekeeper.policyconfig.EffectivePolicy;
import io.migrationgatekeeper.problem.ApiException;
import io.migrationgatekeeper.problem.ProblemType;
import java.time.Duration;
import org.springframework.stereotype.Service;

/** Parses, resolves the hosts, applies the rule and counts the decision. Touches no host. */
@Service
class PreflightService {

    record Result(Domain domain, MigrationRequest request, Evaluation evaluation, String policyRevision) {}

    private final DomainXmlParser parser;
    private final EffectivePolicy policy;
    private final HostInventory inventory;
    private final DecisionMetrics metrics;

    PreflightService(PreflightProperties properties, EffectivePolicy policy, HostInventory inventory,
            DecisionMetrics metrics) {
        this.parser = new DomainXmlParser(properties.maxDepth());
        this.policy = policy;
        this.inventory = inventory;
        this.metrics = metrics;
    }

    Result preflight(byte[] domainXml, MigrationRequest request) {
        long start = System.nanoTime();
        SourceHostFacts facts = request.sourceHost() == null
                ? SourceHostFacts.UNKNOWN : host("sourceHost", request.sourceHost()).facts();
        if (request.targetHost() != null) {
            host("targetHost", request.targetHost());
        }
        Domain domain = parser.parse(domainXml);
        Evaluation evaluation = policy.rule().evaluate(domain, request, facts);
        metrics.record(DecisionMetrics.Kind.PREFLIGHT, evaluation, Duration.ofNanos(System.nanoTime() - start));
        return new Result(domain, request, evaluation, policy.revision());
    }

    private InventoryHost host(String parameter, String name) {
        return inventory.find(name).orElseThrow(() -> new ApiException(ProblemType.UNKNOWN_HOST,
                parameter + ": '" + name + "' is not in the host inventory (gatekeeper.hosts); known hosts: "
                        + String.join(", ", inventory.all().stream().map(InventoryHost::name).toList()))
                .with("parameter", parameter));
    }
}
