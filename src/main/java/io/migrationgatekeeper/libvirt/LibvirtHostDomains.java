package io.migrationgatekeeper.libvirt;

import io.migrationgatekeeper.fleet.DomainOnHost;
import io.migrationgatekeeper.fleet.DomainState;
import io.migrationgatekeeper.fleet.HostDomains;
import io.migrationgatekeeper.inventory.InventoryHost;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.springframework.stereotype.Component;

/**
 * A host's domains through {@code virConnectListAllDomains}, in one call, every handle freed before it returns. Two
 * listings (all, persistent) and the id each listed handle carries say which domains are persistent and active, so a
 * domain costs two round trips (its state, and the live definition of an active one), not four.
 */
@Component
class LibvirtHostDomains implements HostDomains {

    /** {@code virConnectListAllDomainsFlags}: 0 lists every domain, active or not, persistent or not. */
    private static final int ALL = 0;
    /** {@code VIR_CONNECT_LIST_DOMAINS_PERSISTENT}. */
    private static final int PERSISTENT = 4;

    private final HostConnections connections;

    LibvirtHostDomains(HostConnections connections) {
        this.connections = connections;
    }

    @Override
    public <T> List<T> list(InventoryHost host, Function<DomainOnHost, T> each) {
        // A host whose earlier call is still hung gets no second thread to block: each sweep and each request
        // would otherwise leave one more behind it.
        return connections.callUnlessHung(host, "listing its domains", session -> {
            Set<String> persistent = new HashSet<>();
            for (Domain domain : session.allDomains(PERSISTENT)) {
                persistent.add(domain.getUUIDString());
            }
            Domain[] domains = session.allDomains(ALL);
            List<T> listed = new ArrayList<>(domains.length);
            for (Domain domain : domains) {
                DomainOnHost read;
                try {
                    read = describe(domain, persistent);
                } catch (LibvirtException e) {
                    // Undefined or ended between the listing and this read: it is no longer on the host.
                    if (HostConnections.code(e) != ErrorNumber.VIR_ERR_NO_DOMAIN) {
                        throw e;
                    }
                    continue;
                }
                listed.add(each.apply(read));
            }
            return listed;
        });
    }

    private static DomainOnHost describe(Domain domain, Set<String> persistent) throws LibvirtException {
        String uuid = domain.getUUIDString();
        // The id came with the listing (virDomainGetID asks no daemon): -1 for a domain that is not running.
        boolean active = domain.getID() != -1;
        DomainInfo info = domain.getInfo();
        return new DomainOnHost(domain.getName(), uuid, state(info.state), persistent.contains(uuid),
                active ? domain.getXMLDesc(0) : null);
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
