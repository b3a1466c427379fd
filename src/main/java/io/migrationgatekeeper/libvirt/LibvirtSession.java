package io.migrationgatekeeper.libvirt;

import java.util.ArrayDeque;
import java.util.Deque;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainSnapshot;
import org.libvirt.Interface;
import org.libvirt.LibvirtException;
import org.libvirt.Network;
import org.libvirt.Secret;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call's use of a host connection. Every handle the call looks up through it (or hands to {@link #own}) is
 * freed when the call returns: libvirt-java frees handles only in {@code finalize()}, whenever the collector
 * gets to it, and each live handle holds a reference on its connection, so a connection that is closed or
 * re-opened would otherwise linger in the daemon.
 */
final class LibvirtSession implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LibvirtSession.class);

    private final Connect connect;
    private final Deque<Object> owned = new ArrayDeque<>();

    LibvirtSession(Connect connect) {
        this.connect = connect;
    }

    /** The connection itself, for calls that return no handle ({@code getLibVersion}, {@code listStoragePools}, …). */
    Connect connect() {
        return connect;
    }

    Domain domainByUuid(String uuid) throws LibvirtException {
        return own(connect.domainLookupByUUIDString(uuid));
    }

    Domain domainByName(String name) throws LibvirtException {
        return own(connect.domainLookupByName(name));
    }

    /** {@code virConnectListAllDomains}: every handle is freed with the session. */
    Domain[] allDomains(int flags) throws LibvirtException {
        Domain[] domains = connect.listAllDomains(flags);
        for (Domain domain : domains) {
            own(domain);
        }
        return domains;
    }

    StoragePool storagePoolByName(String name) throws LibvirtException {
        return own(connect.storagePoolLookupByName(name));
    }

    /**
     * Frees {@code handle} when the session ends: for handles obtained from {@link #connect()} or from another
     * handle ({@code pool.storageVolLookupByName}, {@code domain.snapshotLookupByName}, …).
     *
     * @throws IllegalArgumentException for an object this session does not know how to free
     */
    <H> H own(H handle) {
        if (handle == null) {
            return null;
        }
        if (!(handle instanceof Domain || handle instanceof StoragePool || handle instanceof StorageVol
                || handle instanceof Network || handle instanceof DomainSnapshot || handle instanceof Secret
                || handle instanceof Interface)) {
            throw new IllegalArgumentException("not a libvirt handle this session frees: " + handle.getClass());
        }
        owned.push(handle);
        return handle;
    }

    /** Frees every owned handle, newest first. Never throws: a handle that fails to free is only logged. */
    @Override
    public void close() {
        while (!owned.isEmpty()) {
            Object handle = owned.pop();
            try {
                free(handle);
            } catch (LibvirtException | RuntimeException e) {
                log.debug("freeing a libvirt handle failed", e);
            }
        }
    }

    private static void free(Object handle) throws LibvirtException {
        if (handle instanceof Domain domain) {
            domain.free();
        } else if (handle instanceof StoragePool pool) {
            pool.free();
        } else if (handle instanceof StorageVol volume) {
            volume.free();
        } else if (handle instanceof Network network) {
            network.free();
        } else if (handle instanceof DomainSnapshot snapshot) {
            snapshot.free();
        } else if (handle instanceof Secret secret) {
            secret.free();
        } else if (handle instanceof Interface iface) {
            iface.free();
        }
    }
}
