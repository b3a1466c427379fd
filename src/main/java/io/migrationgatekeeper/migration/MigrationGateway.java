package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.inventory.InventoryHost;
import java.time.Duration;
import java.util.Optional;

/**
 * What migrations need from libvirt; the libvirt package provides it. Every method but {@link #migrate} is
 * bounded by the call timeout and fails with a {@link io.migrationgatekeeper.inventory.HostCallException}
 * (host unavailable, domain not found, libvirt failure); {@link #migrate} throws {@link MigrationFailedException}
 * with libvirt's code and message.
 */
public interface MigrationGateway {

    /** Where a domain is on a host, as far as migration is concerned. */
    enum Presence { ABSENT, DEFINED, RUNNING, MIGRATING }

    /** The bound on every call but {@link #migrate} ({@code gatekeeper.libvirt.call-timeout}). */
    Duration callTimeout();

    /** Blocks until libvirt has finished (or failed) the migration. Never bounded: a migration takes its time. */
    void migrate(InventoryHost source, String domainUuid, MigrationPlan plan) throws MigrationFailedException;

    /** The running job's statistics, or empty when the domain has no job. */
    Optional<JobProgress> progress(InventoryHost host, String domainUuid);

    /** The statistics of the last completed job on the host (the target, after a migration). */
    Optional<JobProgress> completed(InventoryHost host, String domainUuid);

    /** Aborts the domain's running job. */
    void abort(InventoryHost host, String domainUuid);

    Presence presence(InventoryHost host, String domainUuid);

    /**
     * The last attempt to reach the host (a call, or the probe) failed, and none has succeeded since: what a drain
     * knows before it picks a target. Never contacts the host.
     */
    default boolean knownDown(InventoryHost host) {
        return false;
    }

    /** What a 503 for an unreachable host advises ({@code gatekeeper.libvirt.retry-after}). */
    Duration retryAfter();

    /** A migration that libvirt refused or that failed on the way. */
    final class MigrationFailedException extends Exception {
        private final String code;

        public MigrationFailedException(String code, String message) {
            super(message);
            this.code = code;
        }

        public String code() {
            return code;
        }

        public boolean aborted() {
            return "VIR_ERR_OPERATION_ABORTED".equals(code);
        }
    }
}
