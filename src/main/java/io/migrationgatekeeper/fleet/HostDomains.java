package io.migrationgatekeeper.fleet;

import io.migrationgatekeeper.inventory.HostCallException;
import io.migrationgatekeeper.inventory.InventoryHost;
import java.util.List;
import java.util.function.Function;

/**
 * The domains on a host; the libvirt package provides it. Failures are {@link HostCallException}s: the host is
 * unreachable, did not answer within the call timeout or has not answered an earlier call yet, libvirt refused, or
 * there is no libvirt client.
 */
public interface HostDomains {

    /**
     * Every domain defined or running on the host, each handed to {@code each} as it is read (with the live
     * definition of an active one), in one call bounded by the call timeout. Only what {@code each} returns is kept,
     * so a host with thousands of domains never holds all their definitions at once. A domain that vanishes while it
     * is read is left out. {@code each} runs inside the host call: it must not reach libvirt, directly or through
     * anything that may (a host's facts for the rule), since a call from inside a call to the same host could wait
     * on itself; resolve such things before.
     */
    <T> List<T> list(InventoryHost host, Function<DomainOnHost, T> each);
}
