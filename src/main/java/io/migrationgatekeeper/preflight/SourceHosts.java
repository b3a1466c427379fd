package io.migrationgatekeeper.preflight;

import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.policy.SourceHostFacts;

/**
 * What the preflight needs from a host's libvirtd; the libvirt package provides it. Failures are problem
 * responses: no such domain (404), host unreachable or the call timed out (503), libvirt error (502).
 */
public interface SourceHosts {

    /** The host's facts for the rule; asks the host only where the inventory says {@code auto}. */
    SourceHostFacts facts(InventoryHost host);

    /** The domain's current definition on the host: the live XML if it runs, else the persistent one. */
    LiveDefinition definition(InventoryHost host, DomainId id);
}
