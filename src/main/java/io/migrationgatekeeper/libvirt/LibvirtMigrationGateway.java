package io.migrationgatekeeper.libvirt;

import io.migrationgatekeeper.inventory.HostCallException;
import io.migrationgatekeeper.inventory.HostUnavailableException;
import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.inventory.LibvirtUnavailableException;
import io.migrationgatekeeper.migration.JobProgress;
import io.migrationgatekeeper.migration.MigrationGateway;
import io.migrationgatekeeper.migration.MigrationPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.libvirt.Domain;
import org.libvirt.DomainJobStats;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.libvirt.TypedParameter;
import org.libvirt.TypedStringParameter;
import org.libvirt.TypedUlongParameter;
import org.springframework.stereotype.Component;

/**
 * Migrations through libvirt-java: {@code virDomainMigrateToURI3}, peer-to-peer, each on a connection of its own to
 * the source; progress, abort and lookups on the shared connections, bounded by the call timeout.
 */
@Component
class LibvirtMigrationGateway implements MigrationGateway {

    /** {@code virDomainJobType}: VIR_DOMAIN_JOB_NONE. */
    private static final int JOB_NONE = 0;

    private final HostConnections connections;
    private final LibvirtProperties properties;

    LibvirtMigrationGateway(HostConnections connections, LibvirtProperties properties) {
        this.connections = connections;
        this.properties = properties;
    }

    @Override
    public Duration callTimeout() {
        return connections.callTimeout();
    }

    @Override
    public void migrate(InventoryHost source, String domainUuid, MigrationPlan plan) throws MigrationFailedException {
        TypedParameter[] params = parameters(plan);
        try {
            connections.callOnOwnConnection(source, "migrating", session -> {
                Domain domain = session.domainByUuid(domainUuid);
                if (plan.maxDowntimeMs() != null) {
                    domain.migrateSetMaxDowntime(plan.maxDowntimeMs());
                }
                if (params.length == 0) {
                    // libvirt-java 0.5.4 cannot convert an empty parameter list (ArrayIndexOutOfBoundsException):
                    // with nothing to pass, virDomainMigrateToURI is the same call (peer-to-peer: uri is dconnuri).
                    return domain.migrateToURI(plan.destinationUri(), plan.flags(), null, 0);
                }
                return domain.migrateToURI(plan.destinationUri(), params, plan.flags());
            });
        } catch (LibvirtException e) {
            throw new MigrationFailedException(HostConnections.code(e).name(), HostConnection.message(e));
        } catch (HostUnavailableException e) {
            throw new MigrationFailedException("HOST_UNAVAILABLE", e.getMessage());
        } catch (LibvirtUnavailableException e) {
            throw new MigrationFailedException("LIBVIRT_UNAVAILABLE", e.getMessage());
        } catch (HostCallException e) {
            throw new MigrationFailedException("LIBVIRT_ERROR", e.getMessage());
        }
    }

    /** {@code virDomainMigrateToURI3}'s typed parameters: only those the plan has. */
    static TypedParameter[] parameters(MigrationPlan plan) {
        List<TypedParameter> params = new ArrayList<>();
        if (plan.migrateUri() != null) {
            params.add(new TypedStringParameter(Domain.DomainMigrateParameters.VIR_MIGRATE_PARAM_URI, plan.migrateUri()));
        }
        if (plan.listenAddress() != null) {
            params.add(new TypedStringParameter(Domain.DomainMigrateParameters.VIR_MIGRATE_PARAM_LISTEN_ADDRESS,
                    plan.listenAddress()));
        }
        if (plan.bandwidthMiBps() != null) {
            params.add(new TypedUlongParameter(Domain.DomainMigrateParameters.VIR_MIGRATE_PARAM_BANDWIDTH,
                    plan.bandwidthMiBps()));
        }
        if (plan.migrateDisks() != null) {
            for (String disk : plan.migrateDisks()) {
                params.add(new TypedStringParameter(Domain.DomainMigrateParameters.VIR_MIGRATE_PARAM_MIGRATE_DISKS, disk));
            }
        }
        if (plan.destinationXml() != null) {
            params.add(new TypedStringParameter(Domain.DomainMigrateParameters.VIR_MIGRATE_PARAM_DEST_XML,
                    plan.destinationXml()));
        }
        return params.toArray(TypedParameter[]::new);
    }

    @Override
    public Optional<JobProgress> progress(InventoryHost host, String domainUuid) {
        return stats(host, domainUuid, 0);
    }

    @Override
    public Optional<JobProgress> completed(InventoryHost host, String domainUuid) {
        return stats(host, domainUuid, Domain.GetJobStatsFlags.COMPLETED);
    }

    private Optional<JobProgress> stats(InventoryHost host, String domainUuid, int flags) {
        return connections.call(host, "reading job statistics", session -> {
            DomainJobStats stats;
            try {
                stats = session.domainByUuid(domainUuid).getJobStats(flags);
            } catch (LibvirtException e) {
                if (HostConnections.code(e) == ErrorNumber.VIR_ERR_NO_DOMAIN) {
                    return Optional.<JobProgress>empty();
                }
                throw e;
            }
            if (stats.type == JOB_NONE) {
                return Optional.<JobProgress>empty();
            }
            Map<String, Long> values = new HashMap<>();
            for (TypedParameter p : stats.stats) {
                try {
                    values.put(p.field, Long.parseLong(p.getValueAsString()));
                } catch (NumberFormatException notANumber) {
                    // not a counter
                }
            }
            return Optional.of(new JobProgress(values.get("memory_total"), values.get("memory_processed"),
                    values.get("memory_remaining"), values.get("data_total"), values.get("data_processed"),
                    values.get("data_remaining"), values.get("time_elapsed"), values.get("downtime")));
        });
    }

    @Override
    public void abort(InventoryHost host, String domainUuid) {
        connections.call(host, "aborting the migration", session -> {
            try {
                return session.domainByUuid(domainUuid).abortJob();
            } catch (LibvirtException e) {
                // The job ended meanwhile: nothing left to abort.
                if (HostConnections.code(e) == ErrorNumber.VIR_ERR_OPERATION_INVALID
                        || HostConnections.code(e) == ErrorNumber.VIR_ERR_NO_DOMAIN) {
                    return 0;
                }
                throw e;
            }
        });
    }

    @Override
    public Duration retryAfter() {
        return properties.retryAfter();
    }

    @Override
    public boolean knownDown(InventoryHost host) {
        HostConnection.Snapshot last = connections.snapshot(host);
        return last.state() == ConnectionState.DISCONNECTED && last.lastError() != null;
    }

    @Override
    public Presence presence(InventoryHost host, String domainUuid) {
        return connections.call(host, "looking the domain up", session -> {
            Domain domain;
            try {
                domain = session.domainByUuid(domainUuid);
            } catch (LibvirtException e) {
                if (HostConnections.code(e) == ErrorNumber.VIR_ERR_NO_DOMAIN) {
                    return Presence.ABSENT;
                }
                throw e;
            }
            if (domain.isActive() != 1) {
                return Presence.DEFINED;
            }
            return domain.getJobInfo().getType() == JOB_NONE ? Presence.RUNNING : Presence.MIGRATING;
        });
    }
}
