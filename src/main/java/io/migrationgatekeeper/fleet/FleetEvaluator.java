package io.migrationgatekeeper.fleet;

import io.migrationgatekeeper.domainxml.DomainXmlException;
import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.policy.InvalidMigrationRequestException;
import io.migrationgatekeeper.policy.MigrationRequest;
import io.migrationgatekeeper.policy.StorageMigration;
import io.migrationgatekeeper.preflight.PreflightService;
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

    /** An active domain's verdict; a definition the parser refuses is reported, not thrown. */
    Assessment assess(DomainOnHost domain, MigrationRequest request) {
        try {
            return Assessment.of(preflight.assess(domain.liveXml(), request));
        } catch (DomainXmlException | InvalidMigrationRequestException e) {
            return Assessment.failed(e.getMessage());
        }
    }
}
