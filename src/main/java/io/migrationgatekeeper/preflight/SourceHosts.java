package io.migrationgatekeeper.preflight;

import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.policy.SourceHostFacts;

/**
 * What the preflight needs from a host's libvirtd; the libvirt package provides it. Failures are
 * {@link io.migrationgatekeeper.inventory.HostCallException}s: no such domain, host unreachable or the call timed
 * out, libvirt error, no libvirt client library.
 */
public interface SourceHosts {

    /** The host's facts for the rule; asks the host only where the inventory says {@code auto}. */
    SourceHostFacts facts(InventoryHost host);

    /** The domain's current definition on the host: the live XML if it runs, else the persistent one. */
    LiveDefinition definition(InventoryHost host, DomainId id);

    /**
     * The live definitions of every domain running on the host, in one call bounded by the call timeout (a domain that
     * stops while it is listed is left out). A host whose earlier call has not returned yet fails at once, as it does
     * for the fleet views, instead of holding one more thread behind it.
     */
    java.util.List<LiveDefinition> running(InventoryHost host);
}
