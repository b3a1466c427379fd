package io.migrationgatekeeper.libvirt;

import io.migrationgatekeeper.fleet.DomainOnHost;
import io.migrationgatekeeper.fleet.DomainState;
import io.migrationgatekeeper.fleet.HostDomains;
import io.migrationgatekeeper.inventory.InventoryHost;
import java.util.ArrayList;
import java.util.List;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.springframework.stereotype.Component;

/** A host's domains through {@code virConnectListAllDomains}, in one call, every handle freed before it returns. */
@Component
class LibvirtHostDomains implements HostDomains {

    /** {@code virConnectListAllDomainsFlags}: 0 lists every domain, active or not, persistent or not. */
    private static final int ALL = 0;

    private final HostConnections connections;

    LibvirtHostDomains(HostConnections connections) {
        this.connections = connections;
    }

    @Override
    public List<DomainOnHost> list(InventoryHost host) {
        // The session frees every Domain handle when the call returns: 10,000 domains must not wait for finalize().
        return connections.call(host, "listing its domains", session -> {
            Domain[] domains = session.allDomains(ALL);
            List<DomainOnHost> listed = new ArrayList<>(domains.length);
            for (Domain domain : domains) {
                try {
                    listed.add(describe(domain));
                } catch (LibvirtException e) {
                    // Undefined or ended between the listing and this read: it is no longer on the host.
                    if (HostConnections.code(e) != ErrorNumber.VIR_ERR_NO_DOMAIN) {
                        throw e;
                    }
                }
            }
            return listed;
        });
    }

    private static DomainOnHost describe(Domain domain) throws LibvirtException {
        DomainInfo info = domain.getInfo();
        boolean active = domain.isActive() == 1;
        return new DomainOnHost(domain.getName(), domain.getUUIDString(), state(info.state),
                domain.isPersistent() == 1, active ? domain.getXMLDesc(0) : null);
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
