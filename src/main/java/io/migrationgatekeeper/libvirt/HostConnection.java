package io.migrationgatekeeper.libvirt;

import io.migrationgatekeeper.inventory.InventoryHost;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.event.ConnectionCloseListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one long-lived connection to a host's libvirtd: opened on first use, re-opened after it breaks. */
final class HostConnection {

    private static final Logger log = LoggerFactory.getLogger(HostConnection.class);

    record Snapshot(ConnectionState state, Instant since, String lastError, Versions versions) {}

    private final InventoryHost host;
    private final LibvirtProperties properties;
    private final Executor closer;
    /** Kept in a field: JNA does not keep callbacks reachable. */
    private final ConnectionCloseListener onClose;

    private Connect connect;
    private volatile Snapshot snapshot = new Snapshot(ConnectionState.IDLE, Instant.now(), null, null);
    private final AtomicLong opened = new AtomicLong();

    HostConnection(InventoryHost host, LibvirtProperties properties, Executor closer) {
        this.host = host;
        this.properties = properties;
        this.closer = closer;
        this.onClose = (conn, reason) -> closedBy(conn, "libvirt closed the connection: " + reason);
    }

    Snapshot snapshot() {
        return snapshot;
    }

    /** Not synchronized: a metrics scrape must not wait behind a hung open(). */
    long opened() {
        return opened.get();
    }

    /** The open connection, opening it first if there is none or it died. Blocks: call it under a timeout. */
    synchronized Connect open() throws LibvirtException {
        if (connect != null) {
            if (isAlive(connect)) {
                return connect;
            }
            discard("the connection was found dead");
        }
        opened.incrementAndGet();
        Connect fresh;
        try {
            fresh = connectKeptAlive();
        } catch (LibvirtException e) {
            snapshot = new Snapshot(ConnectionState.DISCONNECTED, Instant.now(), message(e), snapshot.versions());
            throw e;
        }
        try {
            fresh.registerCloseListener(onClose);
        } catch (LibvirtException e) {
            log.debug("host {}: no close notification ({})", host.name(), message(e));
        }
        Versions versions = new Versions(fresh.getLibVersion(), fresh.getType(), fresh.getVersion(), hostname(fresh));
        connect = fresh;
        snapshot = new Snapshot(ConnectionState.CONNECTED, Instant.now(), null, versions);
        log.info("host {}: connected to {} (libvirt {}, {} {})", host.name(), host.displayUri(),
                Versions.format(versions.libvirt()), versions.hypervisorType(), Versions.format(versions.hypervisor()));
        return fresh;
    }

    /**
     * A new connection that belongs to the caller alone (a migration): not this object's, never cached, never
     * dropped by another call's timeout. The caller closes it. Blocks: call it under a timeout.
     */
    Connect openDedicated() throws LibvirtException {
        return connectKeptAlive();
    }

    /** With keepalive, libvirt itself ends the connection, and any call waiting on it, when the daemon goes silent. */
    private Connect connectKeptAlive() throws LibvirtException {
        Connect fresh = new Connect(host.uri().toString());
        try {
            fresh.setKeepAlive((int) properties.keepaliveInterval().toSeconds(), properties.keepaliveCount());
        } catch (LibvirtException e) {
            log.debug("host {}: no keepalive ({})", host.name(), message(e));
        }
        return fresh;
    }

    /**
     * For a caller whose call timed out: records the failure at once and drops the connection in the background,
     * since the worker that hung may hold this object's lock for as long as the daemon stays silent.
     */
    void abandon(String why) {
        snapshot = new Snapshot(ConnectionState.DISCONNECTED, Instant.now(), why, snapshot.versions());
        closer.execute(() -> discard(why));
    }

    /** Drops the connection (it broke, or a call on it hung); the next call opens a new one. */
    synchronized void discard(String why) {
        Connect old = connect;
        connect = null;
        snapshot = new Snapshot(ConnectionState.DISCONNECTED, Instant.now(), why, snapshot.versions());
        if (old != null) {
            log.warn("host {}: connection dropped: {}", host.name(), why);
            // close() can block on a hung daemon just like any other call: never on the caller's thread.
            closer.execute(() -> {
                try {
                    old.close();
                } catch (LibvirtException | RuntimeException e) {
                    log.debug("host {}: closing the old connection failed", host.name(), e);
                }
            });
        }
    }

    private void closedBy(Connect closed, String why) {
        // Runs on the event loop thread: never block it on this object's lock, which a hung open() may hold.
        closer.execute(() -> {
            synchronized (this) {
                if (connect != null && connect.equals(closed)) {
                    discard(why);
                }
            }
        });
    }

    /**
     * Closes the connection for good (shutdown, tests).
     *
     * @return the references libvirt still counts on it: 0 unless a handle looked up on it was never freed
     */
    synchronized int close() {
        int remaining = 0;
        if (connect != null) {
            remaining = closeCounting(connect, host.name());
            connect = null;
        }
        return remaining;
    }

    /** {@code virConnectClose}: what remains is held by handles nobody freed. */
    static int closeCounting(Connect connect, String host) {
        try {
            int remaining = connect.close();
            if (remaining > 0) {
                log.warn("host {}: a connection closed with {} references left: a libvirt handle was not freed", host,
                        remaining);
            }
            return remaining;
        } catch (LibvirtException | RuntimeException e) {
            log.debug("host {}: close failed", host, e);
            return 0;
        }
    }

    static boolean isAlive(Connect connect) {
        try {
            return connect.isAlive();
        } catch (LibvirtException e) {
            return false;
        }
    }

    private static String hostname(Connect connect) {
        try {
            return connect.getHostName();
        } catch (LibvirtException e) {
            return null;
        }
    }

    static String message(LibvirtException e) {
        return e.getError() == null ? String.valueOf(e.getMessage()) : e.getError().getMessage();
    }
}
