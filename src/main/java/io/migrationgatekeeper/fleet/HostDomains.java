package io.migrationgatekeeper.fleet;

import io.migrationgatekeeper.inventory.HostCallException;
import io.migrationgatekeeper.inventory.InventoryHost;
import java.util.List;

/**
 * The domains on a host; the libvirt package provides it. Failures are {@link HostCallException}s: the host is
 * unreachable or did not answer within the call timeout, libvirt refused, or there is no libvirt client.
 */
public interface HostDomains {

    /**
     * Every domain defined or running on the host, with the live definition of each active one, read in one call
     * bounded by the call timeout. A domain that vanishes while it is read is left out.
     */
    List<DomainOnHost> list(InventoryHost host);
}
