package io.migrationgatekeeper.libvirt;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.migrationgatekeeper.inventory.DomainNotFoundException;
import io.migrationgatekeeper.inventory.HostCallException;
import io.migrationgatekeeper.inventory.HostInventory;
import io.migrationgatekeeper.inventory.HostUnavailableException;
import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.inventory.LibvirtFailureException;
import io.migrationgatekeeper.inventory.LibvirtUnavailableException;
import io.migrationgatekeeper.problem.RequestIds;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.libvirt.Connect;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Runs libvirt calls against inventory hosts. {@link #call} runs each on a worker thread under
 * {@code call-timeout}, so a hung daemon costs a request at most that long, on the host's one shared connection,
 * re-opened once when a call finds it broken (the daemon restarted, the link dropped).
 * {@link #callOnOwnConnection} gives a long call (a migration) a connection of its own. Either way every handle
 * a call looks up is freed when it returns, and failures come out as {@link HostCallException}s.
 */
@Component
class HostConnections implements DisposableBean {

    /** Errors that say the connection, not the request, failed: re-open and retry once. */
    private static final Set<ErrorNumber> CONNECTION_ERRORS = EnumSet.of(ErrorNumber.VIR_ERR_SYSTEM_ERROR,
            ErrorNumber.VIR_ERR_RPC, ErrorNumber.VIR_ERR_NO_CONNECT, ErrorNumber.VIR_ERR_INVALID_CONN,
            ErrorNumber.VIR_ERR_OPERATION_TIMEOUT);

    /** On a worker, the call it is running: a libvirt call from inside it is refused (see {@link #call}). */
    private static final ThreadLocal<String> IN_CALL = new ThreadLocal<>();

    private final NativeLibvirt nativeLibvirt;
    private final LibvirtProperties properties;
    private final Map<String, HostConnection> connections;
    private final ExecutorService workers;
    /** References a closed connection of its own still had: a handle somebody did not free. */
    private final AtomicLong unfreed = new AtomicLong();

    HostConnections(NativeLibvirt nativeLibvirt, LibvirtProperties properties, HostInventory inventory,
            MeterRegistry registry) {
        this.nativeLibvirt = nativeLibvirt;
        this.properties = properties;
        AtomicInteger threads = new AtomicInteger();
        // Unbounded on purpose: a thread stuck in a hung native call must not starve calls to other hosts.
        // Platform threads: a native call would pin a virtual thread's carrier for as long as it hangs.
        this.workers = RequestIds.propagating(Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "libvirt-call-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }));
        this.connections = inventory.all().stream().collect(Collectors.toUnmodifiableMap(InventoryHost::name,
                host -> new HostConnection(host, properties, workers)));
        for (InventoryHost host : inventory.all()) {
            HostConnection connection = connections.get(host.name());
            // NaN (no sample) for a host never contacted, so "== 0" alerts only on connections that failed or broke.
            Gauge.builder("gatekeeper.libvirt.host.up", connection, c -> switch (c.snapshot().state()) {
                        case CONNECTED -> 1;
                        case DISCONNECTED -> 0;
                        case IDLE -> Double.NaN;
                    })
                    .description("1 while the gatekeeper holds an open connection to the host's libvirtd, 0 after it failed")
                    .tag("host", host.name())
                    .register(registry);
            FunctionCounter.builder("gatekeeper.libvirt.connects", connection, HostConnection::opened)
                    .description("Connections opened (or tried) to the host's libvirtd")
                    .tag("host", host.name())
                    .register(registry);
        }
    }

    /**
     * Runs {@code call} on the host's shared connection, bounded by {@code call-timeout}; the handles it looks up
     * through its session are freed when it returns.
     *
     * @param what what the call does, for messages ("reading the definition of domain vm1")
     * @throws DomainNotFoundException      libvirt has no such domain
     * @throws HostUnavailableException     the host cannot be reached, or did not answer within the timeout
     * @throws LibvirtUnavailableException  the native library is missing
     * @throws LibvirtFailureException      any other libvirt error
     * @throws IllegalStateException        called from inside another call's work: a bug, refused before it can hang
     */
    <T> T call(InventoryHost host, String what, LibvirtCall<T> call) {
        String outer = IN_CALL.get();
        if (outer != null) {
            // Calls on a host may be serialised (libvirt's client, a per-host limit): this one could wait on its caller.
            throw new IllegalStateException("libvirt call '" + what + "' on host '" + host.name()
                    + "' made from inside the call '" + outer + "': resolve what it needs before the outer call");
        }
        nativeLibvirt.ensureLoaded();
        refuseIfHung(host);
        HostConnection connection = connection(host);
        connection.running().incrementAndGet();
        Future<T> result;
        try {
            result = workers.submit(() -> {
                IN_CALL.set(what + "' on host '" + host.name());
                try {
                    return attempt(connection, call);
                } finally {
                    IN_CALL.remove();
                    connection.running().decrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            connection.running().decrementAndGet();
            throw e;
        }
        try {
            return result.get(properties.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
            connection.abandon("libvirtd did not answer " + what + " within " + properties.callTimeout().toSeconds() + "s");
            throw unavailable(host, "libvirtd on host '" + host.name() + "' did not answer " + what + " within "
                    + properties.callTimeout().toSeconds() + "s (gatekeeper.libvirt.call-timeout)", null);
        } catch (ExecutionException e) {
            throw translate(host, what, e.getCause(), connection.snapshot().state() != ConnectionState.CONNECTED);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(host, "interrupted while waiting for host '" + host.name() + "'", null);
        }
    }

    /**
     * Every call to a host that is known to be down while an earlier call to it has still not returned (hung past
     * its timeout, e.g. in a connection open the daemon never answers) fails at once. Otherwise each request naming
     * the host (a preflight, a migration, a drain, a pool read, an abort) left one more worker blocked behind the
     * hung call, and one more closer behind its lock: a caller repeating a request could pile up hundreds of
     * threads. The host is tried again once that call returns; the probe does not call it while one is outstanding.
     */
    private void refuseIfHung(InventoryHost host) {
        if (hung(host)) {
            String lastError = connection(host).snapshot().lastError();
            throw unavailable(host, "libvirtd on host '" + host.name() + "' has not answered an earlier call yet"
                    + (lastError == null ? "" : " (" + lastError + ")"), null);
        }
    }

    /** The host is known to be down and a call to it has still not returned: another call would only queue behind it. */
    boolean hung(InventoryHost host) {
        HostConnection connection = connection(host);
        return connection.snapshot().state() == ConnectionState.DISCONNECTED && connection.running().get() > 0;
    }

    /**
     * Runs a call that takes as long as it takes (a migration) on the caller's thread, on a connection of its own:
     * opened for it under {@code call-timeout}, kept alive (libvirt ends the call if the daemon goes silent), and
     * closed after it. No other call's timeout or re-open can cut it off, and it never holds up the shared one.
     *
     * @throws LibvirtException  the call's own libvirt failure, as it is, for the caller to judge
     * @throws HostCallException the connection could not be opened
     */
    <T> T callOnOwnConnection(InventoryHost host, String what, LibvirtCall<T> call) throws LibvirtException {
        nativeLibvirt.ensureLoaded();
        refuseIfHung(host);
        HostConnection connection = connection(host);
        CompletableFuture<Connect> opening = CompletableFuture.supplyAsync(() -> {
            try {
                return connection.openDedicated();
            } catch (LibvirtException e) {
                throw new CompletionException(e);
            }
        }, workers);
        Connect connect;
        try {
            connect = opening.get(properties.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // Should it open after all, nobody will use it: close it then.
            opening.thenAcceptAsync(late -> HostConnection.closeCounting(late, host.name()), workers);
            throw unavailable(host, "libvirtd on host '" + host.name() + "' did not accept a connection for " + what
                    + " within " + properties.callTimeout().toSeconds() + "s (gatekeeper.libvirt.call-timeout)", null);
        } catch (ExecutionException e) {
            throw translate(host, "connecting for " + what, e.getCause(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(host, "interrupted while connecting to host '" + host.name() + "'", null);
        }
        try {
            return inSession(connect, call);
        } finally {
            // close() can block on a hung daemon like any other call: never on the caller's thread.
            workers.execute(() -> unfreed.addAndGet(HostConnection.closeCounting(connect, host.name())));
        }
    }

    /** On the worker: the call on the shared connection, re-opened once if the connection (not the call) failed. */
    private static <T> T attempt(HostConnection connection, LibvirtCall<T> call) throws Exception {
        HostConnection.Handle handle = connection.open();
        try {
            return contacting(connection, handle.connect(), call);
        } catch (LibvirtException e) {
            if (isConnectionError(e)) {
                connection.discard(HostConnection.message(e));
                HostConnection.Handle again = connection.open();
                try {
                    return contacting(connection, again.connect(), call);
                } finally {
                    connection.release(again);
                }
            }
            if (!HostConnection.isAlive(handle.connect())) {
                // libvirt closed it under the call (keepalive lost: the daemon went silent). Its error code says
                // nothing of that (VIR_ERR_INTERNAL_ERROR), and a retry would only wait on the same silent daemon.
                connection.discard(HostConnection.message(e));
                throw new BrokenConnection(e);
            }
            throw e;
        } finally {
            connection.release(handle);
        }
    }

    /** An answer from the daemon, even an error about the request itself, is contact. */
    private static <T> T contacting(HostConnection connection, Connect connect, LibvirtCall<T> call)
            throws LibvirtException {
        try {
            T value = inSession(connect, call);
            connection.contacted();
            return value;
        } catch (LibvirtException e) {
            if (!isConnectionError(e) && HostConnection.isAlive(connect)) {
                connection.contacted();
            }
            throw e;
        }
    }

    private static <T> T inSession(Connect connect, LibvirtCall<T> call) throws LibvirtException {
        try (LibvirtSession session = new LibvirtSession(connect)) {
            return call.apply(session);
        }
    }

    Duration callTimeout() {
        return properties.callTimeout();
    }

    /**
     * Asks the host's daemon for its version (a round trip, opening the connection first if needed) and reports the
     * state; never fails: a failure is in the snapshot. Blocks for at most the call timeout.
     */
    HostConnection.Snapshot probe(InventoryHost host) {
        try {
            call(host, "probing", session -> session.connect().getLibVersion());
        } catch (HostCallException e) {
            // Recorded in the snapshot.
        }
        return snapshot(host);
    }

    /** Calls on the host that have not returned yet, including ones hung past their caller's timeout. */
    int outstanding(InventoryHost host) {
        return connection(host).running().get();
    }

    HostConnection.Snapshot snapshot(InventoryHost host) {
        return connection(host).snapshot();
    }

    /** How often a connection to the host was opened (or tried): what the operator sees as connects. */
    long opened(InventoryHost host) {
        return connection(host).opened();
    }

    /**
     * Closes the host's shared connection (the next call opens a new one).
     *
     * @return the references libvirt still counted on it: 0 unless some handle was not freed
     */
    int closeShared(InventoryHost host) {
        return connection(host).close();
    }

    /** References left on connections of their own when they were closed: 0 unless a handle leaked. */
    long unfreedReferences() {
        return unfreed.get();
    }

    /** @throws LibvirtUnavailableException naming what is missing */
    void requireNativeLibrary() {
        nativeLibvirt.ensureLoaded();
    }

    private HostConnection connection(InventoryHost host) {
        HostConnection connection = connections.get(host.name());
        if (connection == null) {
            throw new IllegalArgumentException("host '" + host.name() + "' is not in the inventory");
        }
        return connection;
    }

    /** @param disconnected the connection is not (or no longer) open: any error means the host is unreachable */
    private RuntimeException translate(InventoryHost host, String what, Throwable failure, boolean disconnected) {
        if (failure instanceof CompletionException wrapped && wrapped.getCause() != null) {
            failure = wrapped.getCause();
        }
        if (failure instanceof BrokenConnection broken) {
            return unavailable(host, "host '" + host.name() + "' is unreachable: "
                    + HostConnection.message(broken.cause), code(broken.cause).name());
        }
        if (failure instanceof LibvirtException e) {
            ErrorNumber code = code(e);
            String message = HostConnection.message(e);
            if (code == ErrorNumber.VIR_ERR_NO_DOMAIN) {
                return new DomainNotFoundException(host.name(), "host '" + host.name() + "': " + what + ": " + message);
            }
            if (isConnectionError(e) || disconnected) {
                return unavailable(host, "host '" + host.name() + "' is unreachable: " + message, code.name());
            }
            return new LibvirtFailureException(host.name(), "host '" + host.name() + "': " + what + " failed: " + message,
                    code.name(), message);
        }
        if (failure instanceof RuntimeException runtime) {
            // The call's own domain exceptions (and bugs) pass through unchanged.
            return runtime;
        }
        if (failure instanceof LinkageError) {
            return new LibvirtUnavailableException("the native libvirt client library failed: " + failure);
        }
        return new IllegalStateException("libvirt call " + what + " on " + host.name() + " failed", failure);
    }

    /** A call's libvirt failure that came from its connection dying under it. */
    private static final class BrokenConnection extends Exception {
        final transient LibvirtException cause;

        BrokenConnection(LibvirtException cause) {
            super(cause);
            this.cause = cause;
        }
    }

    private HostUnavailableException unavailable(InventoryHost host, String detail, String libvirtCode) {
        return new HostUnavailableException(host.name(), detail, libvirtCode, properties.retryAfter());
    }

    static ErrorNumber code(LibvirtException e) {
        return e.getError() == null || e.getError().getCode() == null ? ErrorNumber.VIR_ERR_UNKNOWN : e.getError().getCode();
    }

    private static boolean isConnectionError(LibvirtException e) {
        return e.getError() != null && CONNECTION_ERRORS.contains(e.getError().getCode());
    }

    /**
     * Closes every connection, in parallel and for at most a few seconds: closing one whose daemon hangs (or whose
     * open() still hangs, holding its lock) would otherwise hold up the whole shutdown.
     */
    @Override
    public void destroy() {
        CompletableFuture<?>[] closing = connections.values().stream()
                .map(connection -> CompletableFuture.runAsync(connection::close, workers))
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(closing).get(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            org.slf4j.LoggerFactory.getLogger(HostConnections.class).warn("libvirt connections still closing after {} s;"
                    + " leaving them to the process's end", CLOSE_TIMEOUT_SECONDS);
        } catch (ExecutionException e) {
            org.slf4j.LoggerFactory.getLogger(HostConnections.class).debug("closing a connection failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdownNow();
    }

    private static final int CLOSE_TIMEOUT_SECONDS = 3;
}
