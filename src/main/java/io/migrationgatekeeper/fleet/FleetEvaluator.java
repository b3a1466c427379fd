package io.migrationgatekeeper.fleet;

import io.migrationgatekeeper.domainxml.DomainXmlException;
import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.policy.Evaluation;
import io.migrationgatekeeper.policy.InvalidMigrationRequestException;
import io.migrationgatekeeper.policy.MigrationRequest;
import io.migrationgatekeeper.policy.StorageMigration;
import io.migrationgatekeeper.preflight.PreflightService;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/** Judges the domains a host reports with the rule, exactly as a preflight by domain would, without counting them. */
@Component
class FleetEvaluator {

    private final PreflightService preflight;

    FleetEvaluator(PreflightService preflight) {
        this.preflight = preflight;
    }

    /** @param target null: the rule does not depend on the target, only on the source's storage and facts */
    static MigrationRequest request(InventoryHost source, InventoryHost target, StorageMigration storageMigration) {
        return new MigrationRequest(source.name(), target == null ? null : target.name(), storageMigration, null, false,
                null);
    }

    /**
     * A judge of the active domains a listing of the request's source host reads; a definition the parser refuses is
     * reported, not thrown. Call it before the listing: it resolves the host's facts (its pools, its versions), which
     * may ask the host, so that judging inside the listing's host call asks it nothing.
     */
    Function<DomainOnHost, Assessment> judge(MigrationRequest request) {
        Function<String, Evaluation> assess = preflight.assessor(request);
        return domain -> {
            try {
                return Assessment.of(assess.apply(domain.liveXml()));
            } catch (DomainXmlException | InvalidMigrationRequestException e) {
                return Assessment.failed(e.getMessage());
            }
        };
    }
}
