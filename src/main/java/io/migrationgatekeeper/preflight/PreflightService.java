package io.migrationgatekeeper.preflight;

import io.migrationgatekeeper.domainxml.DomainXmlParser;
import io.migrationgatekeeper.inventory.HostInventory;
import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.observability.DecisionMetrics;
import io.migrationgatekeeper.policy.Domain;
import io.migrationgatekeeper.policy.Evaluation;
import io.migrationgatekeeper.policy.MigrationRequest;
import io.migrationgatekeeper.policy.SourceHostFacts;
import io.migrationgatekeeper.policyconfig.EffectivePolicy;
import io.migrationgatekeeper.observability.DecisionLog;
import io.migrationgatekeeper.policy.UnsafeOverride;
import io.migrationgatekeeper.policy.Violation;
import io.migrationgatekeeper.security.Caller;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Function;
import java.time.Duration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/**
 * Parses, resolves the hosts, applies the rule and counts the decision: for preflights, and for the
 * migration service, which evaluates exactly the same way before it asks libvirt for anything.
 */
@Service
public class PreflightService {

    /**
     * Which definition was evaluated: the caller's ({@code host} null) or the one read from a host.
     *
     * @param active the domain was running, so the live definition was read
     */
    public record Definition(String origin, String host, Boolean active) {

        static final Definition REQUEST = new Definition("request", null, null);
    }

    /** @param decisionId the preflight's entry in the decision log; null for a migration's evaluation */
    public record Result(String decisionId, Domain domain, Definition definition, MigrationRequest request,
            Evaluation evaluation, String policyRevision) {}

    private final DomainXmlParser parser;
    private final EffectivePolicy policy;
    private final HostInventory inventory;
    private final SourceHosts sourceHosts;
    private final DecisionMetrics metrics;
    private final DecisionLog decisionLog;
    private final ApplicationEventPublisher events;

    PreflightService(PreflightProperties properties, EffectivePolicy policy, HostInventory inventory,
            SourceHosts sourceHosts, DecisionMetrics metrics, DecisionLog decisionLog, ApplicationEventPublisher events) {
        this.decisionLog = decisionLog;
        this.events = events;
        this.parser = new DomainXmlParser(properties.maxDepth(), properties.maxDisks());
        this.policy = policy;
        this.inventory = inventory;
        this.sourceHosts = sourceHosts;
        this.metrics = metrics;
    }

    /** Evaluates the caller's domain XML. */
    Result preflight(byte[] domainXml, MigrationRequest request) {
        return evaluate(domainXml, Definition.REQUEST, request, System.nanoTime(), DecisionMetrics.Kind.PREFLIGHT);
    }

    /** Reads the domain's current definition from {@code request.sourceHost()} and evaluates it the same way. */
    Result preflight(DomainId id, MigrationRequest request) {
        return evaluate(id, request, DecisionMetrics.Kind.PREFLIGHT);
    }

    /** A migration's evaluation of the domain's current definition on its source host, counted as {@code kind}. */
    public Result evaluate(DomainId id, MigrationRequest request, DecisionMetrics.Kind kind) {
        long start = System.nanoTime();
        InventoryHost source = inventory.require("domain.host", request.sourceHost());
        checkTarget(request);
        LiveDefinition live = sourceHosts.definition(source, id);
        return evaluate(live.xml().getBytes(StandardCharsets.UTF_8), new Definition("host", live.host(), live.active()),
                request, start, kind);
    }

    /** The same evaluation of a definition already read from {@code request.sourceHost()} (a host's listing). */
    public Result evaluate(LiveDefinition live, MigrationRequest request, DecisionMetrics.Kind kind) {
        return evaluate(live.xml().getBytes(StandardCharsets.UTF_8), new Definition("host", live.host(), live.active()),
                request, System.nanoTime(), kind);
    }

    /**
     * A judge of the definitions a listing of {@code request.sourceHost()} reads, for a fleet view (a host's domains,
     * the fleet audit): as a preflight would judge them, but neither counted nor logged, since nobody asked for a
     * decision. The host's facts are resolved now, once, so the judge asks no host anything: it runs inside the host
     * call that lists the definitions, where another call to the host could wait on that one.
     */
    public Function<String, Evaluation> assessor(MigrationRequest request) {
        SourceHostFacts facts = facts(request);
        checkTarget(request);
        return domainXml -> evaluate(domainXml.getBytes(StandardCharsets.UTF_8), Definition.REQUEST, request, facts,
                System.nanoTime(), null).evaluation();
    }

    /** The definition a migration sends for the target ({@code destination_xml}): judged, not counted again. */
    public Result evaluateDestination(String destinationXml, MigrationRequest request) {
        return evaluate(destinationXml.getBytes(StandardCharsets.UTF_8), new Definition("destination", null, null),
                request, System.nanoTime(), null);
    }

    private Result evaluate(byte[] domainXml, Definition definition, MigrationRequest request, long start,
            DecisionMetrics.Kind kind) {
        return evaluate(domainXml, definition, request, facts(request), start, kind);
    }

    private SourceHostFacts facts(MigrationRequest request) {
        return request.sourceHost() == null
                ? SourceHostFacts.UNKNOWN : sourceHosts.facts(inventory.require("sourceHost", request.sourceHost()));
    }

    private Result evaluate(byte[] domainXml, Definition definition, MigrationRequest request, SourceHostFacts facts,
            long start, DecisionMetrics.Kind kind) {
        checkTarget(request);
        Domain domain = parser.parse(domainXml);
        Evaluation evaluation = policy.rule().evaluate(domain, request, facts);
        if (kind != null) {
            metrics.record(kind, evaluation, Duration.ofNanos(System.nanoTime() - start));
        }
        String decisionId = null;
        // A migration's decision is logged by the migration service, which also weighs destination_xml.
        if (kind == DecisionMetrics.Kind.PREFLIGHT) {
            decisionId = UUID.randomUUID().toString();
            Instant decidedAt = Instant.now();
            decisionLog.write(new DecisionLog.Entry(decisionId, decidedAt, "preflight", Caller.name(),
                    DecisionLog.clientAddress(), request.sourceHost(), request.targetHost(), domain.name(), domain.uuid(),
                    evaluation.decision().name(), evaluation.ruleDecision().name(), evaluation.enforcement().value(),
                    Violation.reasonCodes(evaluation.violations()),
                    request.override().map(UnsafeOverride::reason).orElse(null), policy.revision()));
            Result result = new Result(decisionId, domain, definition, request, evaluation, policy.revision());
            events.publishEvent(new PreflightDecided(result, Caller.name(), decidedAt));
            return result;
        }
        return new Result(decisionId, domain, definition, request, evaluation, policy.revision());
    }

    /** Before anything is contacted: a target outside the inventory is the caller's mistake, not a host's. */
    private void checkTarget(MigrationRequest request) {
        if (request.targetHost() != null) {
            inventory.require("targetHost", request.targetHost());
        }
    }
}
