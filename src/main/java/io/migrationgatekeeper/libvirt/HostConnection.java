package io.migrationgatekeeper.libvirt;

import io.migrationgatekeeper.inventory.InventoryHost;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.event.ConnectionCloseListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one long-lived connection to a host's libvirtd: opened on first use, re-opened after it breaks. */
final class HostConnection {

    private static final Logger log = LoggerFactory.getLogger(HostConnection.class);

    /**
     * @param since       when the state last changed
     * @param lastContact when the daemon last answered a call
     * @param lastError   the last failure, kept after the connection recovers (with {@code lastErrorAt}): a host
     *                    that keeps dropping its connection shows it
     */
    record Snapshot(ConnectionState state, Instant since, Instant lastContact, String lastError, Instant lastErrorAt,
            Versions versions) {

        Snapshot connected(Versions versions) {
            Instant now = Instant.now();
            return new Snapshot(ConnectionState.CONNECTED, now, now, lastError, lastErrorAt, versions);
        }

        Snapshot failed(String why) {
            Instant now = Instant.now();
            return new Snapshot(ConnectionState.DISCONNECTED, state == ConnectionState.DISCONNECTED ? since : now,
                    lastContact, why, now, versions);
        }

        Snapshot contacted() {
            return new Snapshot(state, since, Instant.now(), lastError, lastErrorAt, versions);
        }
    }

    /**
     * The shared connection and the calls using it. A dropped connection is closed when its last call returns, never
     * while a call is still in it: libvirt frees the connection on close, and a call that returns into freed memory
     * crashes the process (seen with a hung daemon: SIGSEGV in virConnectGetLibVersion).
     */
    static final class Handle {
        private final Connect connect;
        private int users;
        private boolean retired;
        private boolean closing;

        private Handle(Connect connect) {
            this.connect = connect;
        }

        Connect connect() {
            return connect;
        }

        private synchronized void acquire() {
            users++;
        }

        /** @return whether the caller must now close it */
        private synchronized boolean release() {
            users--;
            return closeNow();
        }

        /** @return whether the caller must now close it */
        private synchronized boolean retire() {
            retired = true;
            return closeNow();
        }

        private boolean closeNow() {
            if (retired && users == 0 && !closing) {
                closing = true;
                return true;
            }
            return false;
        }
    }

    private final InventoryHost host;
    private final LibvirtProperties properties;
    private final Executor closer;
    /** Kept in a field: JNA does not keep callbacks reachable. */
    private final ConnectionCloseListener onClose;

    private Handle current;
    private final AtomicReference<Snapshot> snapshot =
            new AtomicReference<>(new Snapshot(ConnectionState.IDLE, Instant.now(), null, null, null, null));
    private final AtomicLong opened = new AtomicLong();
    /** Calls on a worker thread that have not returned, including ones their caller gave up on. */
    private final AtomicInteger running = new AtomicInteger();

    HostConnection(InventoryHost host, LibvirtProperties properties, Executor closer) {
        this.host = host;
        this.properties = properties;
        this.closer = closer;
        this.onClose = (conn, reason) -> closedBy(conn, "libvirt closed the connection: " + reason);
    }

    Snapshot snapshot() {
        return snapshot.get();
    }

    /** Not synchronized: a metrics scrape must not wait behind a hung open(). */
    long opened() {
        return opened.get();
    }

    /** The daemon answered a call (even with an error about the request itself). */
    void contacted() {
        snapshot.updateAndGet(Snapshot::contacted);
    }

    AtomicInteger running() {
        return running;
    }

    /**
     * The open connection, opening it first if there is none or it died, held for the caller until it calls
     * {@link #release}. Blocks: call it under a timeout.
     */
    synchronized Handle open() throws LibvirtException {
        if (current != null) {
            if (isAlive(current.connect())) {
                current.acquire();
                return current;
            }
            discard("the connection was found dead");
        }
        opened.incrementAndGet();
        Connect fresh;
        try {
            fresh = connectKeptAlive();
        } catch (LibvirtException e) {
            snapshot.updateAndGet(s -> s.failed(message(e)));
            throw e;
        }
        try {
            fresh.registerCloseListener(onClose);
        } catch (LibvirtException e) {
            log.debug("host {}: no close notification ({})", host.name(), message(e));
        }
        Versions versions;
        try {
            versions = new Versions(fresh.getLibVersion(), fresh.getType(), fresh.getVersion(), hostname(fresh));
        } catch (LibvirtException | RuntimeException e) {
            // Left to the collector, its finalize() would close it with the close listener still registered.
            closer.execute(() -> closeShared(fresh, host.name()));
            snapshot.updateAndGet(s -> s.failed(e instanceof LibvirtException le ? message(le) : e.toString()));
            throw e;
        }
        current = new Handle(fresh);
        current.acquire();
        snapshot.updateAndGet(s -> s.connected(versions));
        log.info("host {}: connected to {} (libvirt {}, {} {})", host.name(), host.displayUri(),
                Versions.format(versions.libvirt()), versions.hypervisorType(), Versions.format(versions.hypervisor()));
        return current;
    }

    /** The caller's call on {@code handle} has returned. */
    void release(Handle handle) {
        if (handle.release()) {
            closeLater(handle);
        }
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
        snapshot.updateAndGet(s -> s.failed(why));
        closer.execute(() -> discard(why));
    }

    /** Drops the connection (it broke, or a call on it hung); the next call opens a new one. */
    synchronized void discard(String why) {
        Handle old = current;
        current = null;
        snapshot.updateAndGet(s -> s.failed(why));
        if (old != null) {
            log.warn("host {}: connection dropped: {}", host.name(), why);
            if (old.retire()) {
                closeLater(old);
            }
        }
    }

    /** close() can block on a hung daemon just like any other call: never on a caller's thread. */
    private void closeLater(Handle handle) {
        closer.execute(() -> closeShared(handle.connect(), host.name()));
    }

    private void closedBy(Connect closed, String why) {
        // Runs on the event loop thread: never block it on this object's lock, which a hung open() may hold.
        closer.execute(() -> {
            synchronized (this) {
                // Identity: libvirt-java hands back the same object, and equals() asks the dead connection for its URI.
                if (current != null && current.connect() == closed) {
                    discard(why);
                }
            }
        });
    }

    /**
     * Closes the connection for good (shutdown, tests), unless a call is still in it (a hung one): that call's return
     * closes it.
     *
     * @return the references libvirt still counts on it: 0 unless a handle looked up on it was never freed
     */
    synchronized int close() {
        Handle old = current;
        current = null;
        if (old != null && old.retire()) {
            return closeShared(old.connect(), host.name());
        }
        return 0;
    }

    /**
     * Closes a shared connection: its close listener first, since a registered close callback holds a reference on
     * the connection, so that {@code virConnectClose} left it open (one reference left) until the daemon hung up,
     * and libvirt-java drops the callback object while libvirt may still call it.
     */
    private static int closeShared(Connect connect, String host) {
        try {
            connect.unregisterCloseListener();
        } catch (LibvirtException | RuntimeException e) {
            log.debug("host {}: unregistering the close listener failed", host, e);
        }
        return closeCounting(connect, host);
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

    /**
     * libvirt's words, cut at {@link #MAX_MESSAGE}: libvirt quotes what it was asked for ("no domain with matching
     * name '…'"), and a caller may ask for a megabyte-long name.
     */
    static String message(LibvirtException e) {
        String message = e.getError() == null ? String.valueOf(e.getMessage()) : e.getError().getMessage();
        return message == null || message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE) + "…";
    }

    static final int MAX_MESSAGE = 1000;
}
