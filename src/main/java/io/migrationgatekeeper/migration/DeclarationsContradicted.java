package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.policy.DeclarationConflict;
import java.util.List;

/**
 * libvirt refused a job with {@code VIR_ERR_MIGRATE_UNSAFE} where the gatekeeper predicted its check would pass: the
 * source host contradicts these declarations (published once, by the replica that ended the job).
 */
record DeclarationsContradicted(MigrationJob job, List<DeclarationConflict> conflicts) {}
