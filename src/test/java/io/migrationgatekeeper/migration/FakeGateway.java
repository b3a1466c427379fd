package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.inventory.HostUnavailableException;
import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.problem.RequestIds;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.MDC;

/**
 * libvirt in memory, for the job machine's unit tests: where each domain is on each host, and migrations that run
 * until the test ends them (or an abort does). Every call is recorded.
 */
final class FakeGateway implements MigrationGateway {

    private final Map<String, Map<String, Presence>> hosts = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> migrations = new ConcurrentHashMap<>();
    final List<String> calls = new CopyOnWriteArrayList<>();
    /** Each call with the request id in the calling thread's MDC: {@code "migrate req-1"}, {@code "abort -"}. */
    final List<String> requestIds = new CopyOnWriteArrayList<>();
    volatile Duration callTimeout = Duration.ofSeconds(30);
    /** While set, progress calls wait on it: a host that answers slowly. */
    volatile CountDownLatch slowProgress;
    /** While set, every call but migrate fails: the host is unreachable. */
    volatile boolean unreachable;
    /** While set, an abort is heard but the migration goes on (libvirt has not acted on it yet). */
    volatile boolean abortIgnored;

    void place(String host, String uuid, Presence presence) {
        hosts.computeIfAbsent(host, h -> new ConcurrentHashMap<>()).put(uuid, presence);
    }

    Presence on(String host, String uuid) {
        return hosts.getOrDefault(host, Map.of()).getOrDefault(uuid, Presence.ABSENT);
    }

    /** Waits until a migration of the domain is under way (its job thread is inside migrate). */
    void awaitMigrating(String uuid) throws InterruptedException {
        for (int i = 0; i < 1000 && !migrations.containsKey(uuid); i++) {
            Thread.sleep(2);
        }
        if (!migrations.containsKey(uuid)) {
            throw new AssertionError("no migration of " + uuid + " started");
        }
    }

    private void await(String uuid) {
        try {
            awaitMigrating(uuid);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** libvirt finished the migration: the domain runs on the target. */
    void succeed(String uuid, String target) {
        await(uuid);
        hosts.values().forEach(domains -> domains.remove(uuid));
        place(target, uuid, Presence.RUNNING);
        migrations.remove(uuid).complete(null);
    }

    void fail(String uuid, String source, String code, String message) {
        await(uuid);
        place(source, uuid, Presence.RUNNING);
        migrations.remove(uuid).completeExceptionally(new MigrationFailedException(code, message));
    }

    @Override
    public Duration callTimeout() {
        return callTimeout;
    }

    @Override
    public Duration retryAfter() {
        return Duration.ofSeconds(10);
    }

    @Override
    public void migrate(InventoryHost source, String domainUuid, MigrationPlan plan) throws MigrationFailedException {
        calls.add("migrate " + source.name() + " " + domainUuid + " " + plan.flags());
        requestIds.add("migrate " + requestId());
        CompletableFuture<Void> done = new CompletableFuture<>();
        place(source.name(), domainUuid, Presence.MIGRATING);
        migrations.put(domainUuid, done);
        try {
            done.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (MigrationFailedException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError("the test never ended the migration of " + domainUuid, e);
        }
    }

    @Override
    public Optional<JobProgress> progress(InventoryHost host, String domainUuid) {
        reachable(host);
        calls.add("progress " + host.name() + " " + domainUuid);
        requestIds.add("progress " + requestId());
        CountDownLatch slow = slowProgress;
        if (slow != null) {
            try {
                slow.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return on(host.name(), domainUuid) == Presence.MIGRATING
                ? Optional.of(new JobProgress(100L, 40L, 60L, null, null, null, 1000L, null)) : Optional.empty();
    }

    @Override
    public Optional<JobProgress> completed(InventoryHost host, String domainUuid) {
        reachable(host);
        return Optional.of(new JobProgress(100L, 100L, 0L, null, null, null, 2000L, 20L));
    }

    @Override
    public void abort(InventoryHost host, String domainUuid) {
        reachable(host);
        calls.add("abort " + host.name() + " " + domainUuid);
        if (abortIgnored) {
            return;
        }
        CompletableFuture<Void> running = migrations.remove(domainUuid);
        if (running != null) {
            place(host.name(), domainUuid, Presence.RUNNING);
            running.completeExceptionally(new MigrationFailedException("VIR_ERR_OPERATION_ABORTED",
                    "operation aborted: job 'migration out' canceled by client"));
        } else if (on(host.name(), domainUuid) == Presence.MIGRATING) {
            // A migration this process did not start (an adopted one): libvirt aborts it all the same.
            place(host.name(), domainUuid, Presence.RUNNING);
        }
    }

    @Override
    public Presence presence(InventoryHost host, String domainUuid) {
        reachable(host);
        calls.add("presence " + host.name() + " " + domainUuid);
        requestIds.add("presence " + requestId());
        return on(host.name(), domainUuid);
    }

    private static String requestId() {
        String id = MDC.get(RequestIds.MDC_KEY);
        return id == null ? "-" : id;
    }

    long count(String call) {
        return calls.stream().filter(c -> c.startsWith(call + " ")).count();
    }

    private void reachable(InventoryHost host) {
        if (unreachable) {
            throw new HostUnavailableException(host.name(), "host '" + host.name() + "' is unreachable", null,
                    Duration.ofSeconds(10));
        }
    }
}
