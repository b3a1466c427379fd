package io.migrationgatekeeper.libvirt;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.migrationgatekeeper.inventory.HostInventory;
import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.problem.ApiException;
import io.migrationgatekeeper.problem.ProblemType;
import io.migrationgatekeeper.problem.RequestIds;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Runs libvirt calls against inventory hosts: each on a worker thread under {@code call-timeout}, so a hung
 * daemon costs a request at most that long, and each on the host's one connection, re-opened once when a
 * call finds it broken (the daemon restarted, the link dropped).
 */
@Component
class HostConnections implements DisposableBean {

    /** Errors that say the connection, not the request, failed: re-open and retry once. */
    private static final Set<ErrorNumber> CONNECTION_ERRORS = EnumSet.of(ErrorNumber.VIR_ERR_SYSTEM_ERROR,
            ErrorNumber.VIR_ERR_RPC, ErrorNumber.VIR_ERR_NO_CONNECT, ErrorNumber.VIR_ERR_INVALID_CONN,
            ErrorNumber.VIR_ERR_OPERATION_TIMEOUT);

    private final NativeLibvirt nativeLibvirt;
    private final LibvirtProperties properties;
    private final Map<String, HostConnection> connections;
    private final ExecutorService workers;

    HostConnections(NativeLibvirt nativeLibvirt, LibvirtProperties properties, HostInventory inventory,
            MeterRegistry registry) {
        this.nativeLibvirt = nativeLibvirt;
        this.properties = properties;
        AtomicInteger threads = new AtomicInteger();
        // Unbounded on purpose: a thread stuck in a hung native call must not starve calls to other hosts.
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
     * @throws ApiException 404 domain-not-found, 503 host-unavailable (with Retry-After) when the host cannot be
     *                      reached or does not answer within the timeout, 503 libvirt-unavailable without the
     *                      native library, 502 libvirt-error for any other libvirt error
     */
    <T> T call(InventoryHost host, String what, LibvirtCall<T> call) {
        nativeLibvirt.ensureLoaded();
        HostConnection connection = connections.get(host.name());
        Future<T> result = workers.submit(() -> {
            try {
                return call.apply(connection.open());
            } catch (LibvirtException e) {
                if (!isConnectionError(e)) {
                    throw e;
                }
                connection.discard(HostConnection.message(e));
                return call.apply(connection.open());
            }
        });
        try {
            return result.get(properties.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
            connection.abandon(what + " got no answer within " + properties.callTimeout().toSeconds() + "s");
            throw unavailable(host, "libvirtd on host '" + host.name() + "' did not answer " + what + " within "
                    + properties.callTimeout().toSeconds() + "s (gatekeeper.libvirt.call-timeout)");
        } catch (ExecutionException e) {
            throw translate(host, what, connection, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(host, "interrupted while waiting for host '" + host.name() + "'");
        }
    }

    /**
     * Runs a call that takes as long as it takes (a migration) on the caller's thread; only opening the
     * connection is bounded. Its libvirt failure comes back as it is, for the caller to judge.
     */
    <T> T callUnbounded(InventoryHost host, String what, LibvirtCall<T> call) throws LibvirtException {
        org.libvirt.Connect connect = call(host, "connecting for " + what, c -> c);
        return call.apply(connect);
    }

    /** Makes sure the host is connected, if it can be, and reports the state; never fails. */
    CompletableFuture<HostConnection.Snapshot> probe(InventoryHost host) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                call(host, "connecting", connect -> null);
            } catch (ApiException e) {
                // The failure is recorded in the snapshot.
            }
            return snapshot(host);
        }, workers);
    }

    HostConnection.Snapshot snapshot(InventoryHost host) {
        return connections.get(host.name()).snapshot();
    }

    /** How often a connection to the host was opened (or tried): what the operator sees as connects. */
    long opened(InventoryHost host) {
        return connections.get(host.name()).opened();
    }

    long openedOverall() {
        return connections.values().stream().mapToLong(HostConnection::opened).sum();
    }

    /** @throws ApiException 503 libvirt-unavailable, naming what is missing */
    void requireNativeLibrary() {
        nativeLibvirt.ensureLoaded();
    }

    private ApiException translate(InventoryHost host, String what, HostConnection connection, Throwable failure) {
        if (failure instanceof LibvirtException e) {
            ErrorNumber code = e.getError() == null ? ErrorNumber.VIR_ERR_UNKNOWN : e.getError().getCode();
            String message = HostConnection.message(e);
            if (code == ErrorNumber.VIR_ERR_NO_DOMAIN) {
                return new ApiException(ProblemType.DOMAIN_NOT_FOUND, "host '" + host.name() + "': " + what + ": " + message)
                        .with("host", host.name());
            }
            if (isConnectionError(e) || connection.snapshot().state() != ConnectionState.CONNECTED) {
                return unavailable(host, "host '" + host.name() + "' is unreachable: " + message)
                        .with("libvirtCode", code.name());
            }
            return new ApiException(ProblemType.LIBVIRT_ERROR, "host '" + host.name() + "': " + what + " failed: "
                    + message).with("host", host.name()).with("libvirtCode", code.name()).with("libvirtMessage", message);
        }
        if (failure instanceof ApiException api) {
            return api;
        }
        if (failure instanceof LinkageError) {
            return new ApiException(ProblemType.LIBVIRT_UNAVAILABLE, "the native libvirt client library failed: " + failure);
        }
        throw new IllegalStateException("libvirt call " + what + " on " + host.name() + " failed", failure);
    }

    private ApiException unavailable(InventoryHost host, String detail) {
        return new ApiException(ProblemType.HOST_UNAVAILABLE, detail).with("host", host.name())
                .retryAfter(properties.retryAfter());
    }

    private static boolean isConnectionError(LibvirtException e) {
        return e.getError() != null && CONNECTION_ERRORS.contains(e.getError().getCode());
    }

    @Override
    public void destroy() {
        connections.values().forEach(HostConnection::close);
        workers.shutdownNow();
    }
}
