package io.migrationgatekeeper.libvirt;

import io.migrationgatekeeper.inventory.HostInventory;
import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.inventory.LibvirtUnavailableException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Keeps every inventory host's connection state current: each host is asked for its version once per
 * {@code interval} (±20 %, so hosts do not fall into step), at most {@code concurrency} at once. The first round is
 * spread over the first few seconds after start-up. A host with a call still outstanding (hung past its timeout) is
 * skipped rather than given another thread to block.
 */
@Component
class HostProbe implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(HostProbe.class);
    private static final long FIRST_ROUND_MS = 5_000;

    private final List<InventoryHost> hosts;
    private final HostConnections connections;
    private final NativeLibvirt nativeLibvirt;
    private final HostProbeProperties properties;
    private final AtomicInteger threads = new AtomicInteger();
    private volatile ScheduledExecutorService timer;
    private volatile ExecutorService probers;

    HostProbe(HostInventory inventory, HostConnections connections, NativeLibvirt nativeLibvirt,
            HostProbeProperties properties) {
        this.hosts = List.copyOf(inventory.all());
        this.connections = connections;
        this.nativeLibvirt = nativeLibvirt;
        this.properties = properties;
    }

    @Override
    public void start() {
        if (!properties.enabled() || hosts.isEmpty()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(task -> daemon(task, "host-probe-timer"));
        probers = Executors.newFixedThreadPool(properties.concurrency(),
                task -> daemon(task, "host-probe-" + threads.incrementAndGet()));
        long firstRound = Math.min(FIRST_ROUND_MS, properties.interval().toMillis());
        for (InventoryHost host : hosts) {
            schedule(host, ThreadLocalRandom.current().nextLong(firstRound));
        }
    }

    private void schedule(InventoryHost host, long delayMs) {
        ScheduledExecutorService t = timer;
        ExecutorService p = probers;
        if (t == null || p == null) {
            return;
        }
        try {
            t.schedule(() -> {
                try {
                    p.execute(() -> probe(host));
                } catch (RejectedExecutionException stopping) {
                    // shutting down
                }
            }, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // shutting down
        }
    }

    private void probe(InventoryHost host) {
        try {
            nativeLibvirt.ensureLoaded();
        } catch (LibvirtUnavailableException e) {
            // It will not appear while the process runs: no point in asking again.
            log.debug("host probe stopped: {}", e.getMessage());
            return;
        }
        try {
            if (connections.outstanding(host) == 0) {
                connections.probe(host);
            }
        } catch (RuntimeException e) {
            log.warn("probing host {} failed", host.name(), e);
        } finally {
            long interval = properties.interval().toMillis();
            schedule(host, interval * 4 / 5 + ThreadLocalRandom.current().nextLong(interval * 2 / 5 + 1));
        }
    }

    @Override
    public void stop() {
        ScheduledExecutorService t = timer;
        ExecutorService p = probers;
        timer = null;
        probers = null;
        if (t != null) {
            t.shutdownNow();
        }
        if (p != null) {
            // A probe blocked on a hung host ends with its call timeout; nothing waits for it.
            p.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
