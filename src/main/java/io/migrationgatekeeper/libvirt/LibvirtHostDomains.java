package io.migrationgatekeeper.libvirt;

import io.migrationgatekeeper.fleet.DomainOnHost;
import io.migrationgatekeeper.fleet.DomainState;
import io.migrationgatekeeper.fleet.HostDomains;
import io.migrationgatekeeper.inventory.InventoryHost;
import java.util.List;
import java.util.function.Function;
import org.libvirt.DomainInfo;
import org.springframework.stereotype.Component;

/**
 * A host's domains for the fleet views, through the {@link DomainListing} drains use too: the listing says which
 * domains are persistent and active, so a domain costs two round trips (its state, and the live definition of an
 * active one), not four.
 */
@Component
class LibvirtHostDomains implements HostDomains {

    private final DomainListing listing;

    LibvirtHostDomains(DomainListing listing) {
        this.listing = listing;
    }

    @Override
    public <T> List<T> list(InventoryHost host, Function<DomainOnHost, T> each) {
        return listing.list(host, DomainListing.Selection.ALL, "listing its domains", domain -> {
            // Everything is read before each sees it: a domain that vanishes halfway is left out, not half-reported.
            DomainOnHost read = new DomainOnHost(domain.name(), domain.uuid(), state(domain.state()),
                    domain.persistent(), domain.active() ? domain.xml() : null);
            return each.apply(read);
        });
    }

    private static DomainState state(DomainInfo.DomainState state) {
        return switch (state) {
            case VIR_DOMAIN_NOSTATE -> DomainState.NOSTATE;
            case VIR_DOMAIN_RUNNING -> DomainState.RUNNING;
            case VIR_DOMAIN_BLOCKED -> DomainState.BLOCKED;
            case VIR_DOMAIN_PAUSED -> DomainState.PAUSED;
            case VIR_DOMAIN_SHUTDOWN -> DomainState.SHUTDOWN;
            case VIR_DOMAIN_SHUTOFF -> DomainState.SHUTOFF;
            case VIR_DOMAIN_CRASHED -> DomainState.CRASHED;
            case VIR_DOMAIN_PMSUSPENDED -> DomainState.PMSUSPENDED;
        };
    }
}
