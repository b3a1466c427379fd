package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.inventory.HostInventory;
import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.observability.DecisionMetrics;
import io.migrationgatekeeper.policy.Decision;
import io.migrationgatekeeper.policy.Disk;
import io.migrationgatekeeper.policy.Domain;
import io.migrationgatekeeper.policy.InvalidMigrationRequestException;
import io.migrationgatekeeper.policy.MigrationRequest;
import io.migrationgatekeeper.policy.StorageMigration;
import io.migrationgatekeeper.policy.UnsafeOverride;
import io.migrationgatekeeper.policy.Violation;
import io.migrationgatekeeper.preflight.DomainId;
import io.migrationgatekeeper.preflight.LiveDefinition;
import io.migrationgatekeeper.preflight.PreflightService;
import io.migrationgatekeeper.problem.RequestIds;
import io.migrationgatekeeper.security.Caller;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/**
 * Decides a migration request: reads the domain's live definition from the source host, applies the rule to it
 * (and to {@code destinationXml}, which must describe the same domain and disks), and says exactly what libvirt
 * would be sent. Touches nothing: recording and queueing are {@link Migrations}' business.
 */
@Component
class Decider {

    private final PreflightService evaluator;
    private final HostInventory inventory;
    private final Clock clock;

    Decider(PreflightService evaluator, HostInventory inventory, Clock clock) {
        this.evaluator = evaluator;
        this.inventory = inventory;
        this.clock = clock;
    }

    /**
     * @param requestId the HTTP request's id; kept only if it is a plain token of at most 128 characters (what
     *                  {@link RequestIds#accept} lets through), so nothing a caller sends can bloat the ledger
     */
    MigrationDecision decide(MigrationRequestJson body, String requester, String requestId) {
        return decide(body, requester, requestId, null);
    }

    /**
     * @param listed the domain's live definition as a listing of the source host just read it (a drain), or null to
     *               read it now
     */
    MigrationDecision decide(MigrationRequestJson body, String requester, String requestId, LiveDefinition listed) {
        if (body.domain() == null || body.domain().isBlank()) {
            throw new InvalidMigrationRequestException("domain", "is required: the domain's name or UUID on sourceHost");
        }
        if (body.sourceHost() == null || body.targetHost() == null) {
            throw new InvalidMigrationRequestException(body.sourceHost() == null ? "sourceHost" : "targetHost",
                    "is required: an inventory host name");
        }
        // Both hosts must be known before anything is contacted.
        InventoryHost target = inventory.require("targetHost", body.targetHost());
        inventory.require("sourceHost", body.sourceHost());
        MigrationRequest request = new MigrationRequest(body.sourceHost(), body.targetHost(),
                StorageMigration.fromRequest(body.storageMigration()), body.migrateDisks(), Boolean.TRUE.equals(body.offline()),
                body.unsafe() == null ? null : new UnsafeOverride(body.unsafe().reason()));
        if (request.override().isPresent()) {
            Caller.requireOverride();
        }
        MigrationOptions options = MigrationOptions.of(body.options());

        PreflightService.Result live = listed != null
                ? evaluator.evaluate(listed, request, DecisionMetrics.Kind.MIGRATION)
                : evaluator.evaluate(domainId(body.domain()), request, DecisionMetrics.Kind.MIGRATION);
        PreflightService.Result destination = null;
        if (body.destinationXml() != null) {
            destination = evaluator.evaluateDestination(body.destinationXml(), request);
            requireSameDomain(live.domain(), destination.domain());
        }
        Decision decision = combined(live, destination);
        // VIR_MIGRATE_UNSAFE switches off libvirt's check of the source's real disks: only those disks may ask for it,
        // never a definition the caller wrote.
        boolean unsafe = decision != Decision.DENIED && live.evaluation().flags().unsafe();
        List<Violation> violations = Stream.concat(Stream.of(live), Stream.ofNullable(destination))
                .flatMap(r -> r.evaluation().violations().stream()).toList();

        DecisionRecord record = new DecisionRecord(UUID.randomUUID().toString(), clock.instant(), requester,
                RequestIds.accept(requestId).orElse(null), LedgerName.domain(live.domain().name()), live.domain().uuid(),
                request.sourceHost(), request.targetHost(), decision,
                worst(live.evaluation().ruleDecision(), destination == null ? null : destination.evaluation().ruleDecision()),
                live.evaluation().enforcement(), Violation.reasonCodes(violations),
                request.override().map(UnsafeOverride::reason).orElse(null), live.policyRevision(),
                new DecisionRecord.RequestRecord(EvaluationRecord.cut(body.domain()), request.storageMigration().value(),
                        request.migrateDisks(), request.offline(), options, digest(body.destinationXml())),
                EvaluationRecord.of(live, destination, unsafe));
        MigrationPlan plan = decision == Decision.DENIED ? null
                : MigrationPlan.of(request, unsafe, options, target, body.destinationXml());
        return new MigrationDecision(record, plan, options);
    }

    /**
     * libvirt migrates the source's domain and only redefines it on the target: a destination that names another
     * domain, or other disks, would be judged on disks that never move.
     */
    private static void requireSameDomain(Domain live, Domain destination) {
        if (!live.name().equals(destination.name()) || !Objects.equals(live.uuid(), destination.uuid())) {
            throw new InvalidMigrationRequestException("destinationXml", "must describe the same domain as the source's"
                    + " live definition (name '" + EvaluationRecord.cut(live.name()) + "', UUID " + live.uuid()
                    + "), not name '" + EvaluationRecord.cut(destination.name()) + "', UUID " + destination.uuid());
        }
        Set<String> liveDisks = targets(live);
        Set<String> destinationDisks = targets(destination);
        if (!liveDisks.equals(destinationDisks)) {
            List<String> problems = new ArrayList<>();
            Set<String> extra = new TreeSet<>(destinationDisks);
            extra.removeAll(liveDisks);
            Set<String> missing = new TreeSet<>(liveDisks);
            missing.removeAll(destinationDisks);
            if (!extra.isEmpty()) {
                problems.add("disks the live definition lacks: " + shortList(extra));
            }
            if (!missing.isEmpty()) {
                problems.add("the live definition's disks it leaves out: " + shortList(missing));
            }
            throw new InvalidMigrationRequestException("destinationXml", "must have the same disks (by target) as the"
                    + " source's live definition; it has " + String.join(", and ", problems));
        }
    }

    private static Set<String> targets(Domain domain) {
        return domain.disks().stream().map(Disk::target).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String shortList(Set<String> names) {
        return names.stream().limit(10).map(EvaluationRecord::cut).collect(Collectors.joining(", "))
                + (names.size() > 10 ? " and " + (names.size() - 10) + " more" : "");
    }

    /** The stricter of the live and the destination decisions. */
    private static Decision combined(PreflightService.Result live, PreflightService.Result destination) {
        return worst(live.evaluation().decision(), destination == null ? null : destination.evaluation().decision());
    }

    private static Decision worst(Decision a, Decision b) {
        if (a == Decision.DENIED || b == Decision.DENIED) {
            return Decision.DENIED;
        }
        if (a == Decision.ALLOWED_UNSAFE || b == Decision.ALLOWED_UNSAFE) {
            return Decision.ALLOWED_UNSAFE;
        }
        return Decision.ALLOWED;
    }

    private static DecisionRecord.DestinationXml digest(String xml) {
        if (xml == null) {
            return null;
        }
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        return new DecisionRecord.DestinationXml(Sha256.hex(bytes), bytes.length);
    }

    private static DomainId domainId(String domain) {
        if (domain.indexOf('\0') >= 0) {
            // libvirt takes names as C strings: "test\0x" would read, judge and migrate the domain "test".
            throw new InvalidMigrationRequestException("domain", "may not contain a NUL character");
        }
        try {
            return new DomainId(null, UUID.fromString(domain.strip()).toString());
        } catch (IllegalArgumentException notAUuid) {
            return new DomainId(domain.strip(), null);
        }
    }
}
