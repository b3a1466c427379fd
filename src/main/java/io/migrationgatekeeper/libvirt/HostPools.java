package io.migrationgatekeeper.libvirt;

import io.migrationgatekeeper.inventory.HostCallException;
import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.policy.DiscoveredPool;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The storage pools each host's libvirtd knows, read through libvirt-java ({@code virStoragePoolGetXMLDesc}) and
 * kept for {@code pool-refresh}: operators need not re-declare what libvirt already knows. A host that cannot be
 * read keeps what was last read; it never fails an evaluation, which then classifies without discovery.
 */
@Component
class HostPools {

    private static final Logger log = LoggerFactory.getLogger(HostPools.class);

    /** Beyond this many pools a host's list is cut: the classification and the answer stay bounded. */
    static final int MAX_POOLS = 1024;

    /** One pool as the host reported it. */
    record HostPool(DiscoveredPool pool, boolean active) {}

    /** What was read from a host, and when; {@code error} when the last read failed. */
    record Reading(List<HostPool> pools, Instant readAt, String error) {}

    private final HostConnections connections;
    private final LibvirtProperties properties;
    private final Map<String, Reading> readings = new ConcurrentHashMap<>();

    HostPools(HostConnections connections, LibvirtProperties properties) {
        this.connections = connections;
        this.properties = properties;
    }

    /**
     * The active pools, for the rule: read again once {@code pool-refresh} has passed, unless the host is known to
     * be down (then what was last read, without waiting on it).
     */
    List<DiscoveredPool> forRule(InventoryHost host) {
        Reading last = readings.get(host.name());
        boolean fresh = last != null && last.error() == null
                && last.readAt().plus(properties.poolRefresh()).isAfter(Instant.now());
        Reading reading = last;
        if (!fresh && connections.snapshot(host).state() != ConnectionState.DISCONNECTED) {
            reading = read(host);
        }
        return reading == null ? List.of()
                : reading.pools().stream().filter(HostPool::active).map(HostPool::pool).toList();
    }

    /** Reads the host's pools now; a failure is recorded in the reading, with the pools last read. */
    Reading read(InventoryHost host) {
        Reading reading;
        try {
            reading = new Reading(connections.call(host, "reading storage pools", HostPools::list), Instant.now(), null);
        } catch (HostCallException e) {
            Reading last = readings.get(host.name());
            log.debug("host {}: storage pools not read: {}", host.name(), e.getMessage());
            reading = new Reading(last == null ? List.of() : last.pools(), last == null ? null : last.readAt(),
                    e.getMessage());
        }
        readings.put(host.name(), reading);
        return reading;
    }

    private static List<HostPool> list(LibvirtSession session) throws LibvirtException {
        List<HostPool> pools = new ArrayList<>();
        collect(session, session.connect().listStoragePools(), true, pools);
        collect(session, session.connect().listDefinedStoragePools(), false, pools);
        return List.copyOf(pools);
    }

    /** Each pool handle is freed with the session. */
    private static void collect(LibvirtSession session, String[] names, boolean active, List<HostPool> into)
            throws LibvirtException {
        for (String name : names) {
            if (into.size() == MAX_POOLS) {
                log.warn("more than {} storage pools on one host: the rest are not classified", MAX_POOLS);
                return;
            }
            StoragePool pool;
            try {
                pool = session.storagePoolByName(name);
            } catch (LibvirtException gone) {
                continue; // undefined between the listing and the lookup
            }
            try {
                into.add(new HostPool(PoolXml.parse(pool.getXMLDesc(0)), active));
            } catch (IllegalArgumentException e) {
                log.warn("storage pool {}: not classified: {}", name, e.getMessage());
            }
        }
    }
}
