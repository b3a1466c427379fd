/** Migrations: approve with the rule, run through the source's libvirtd, track the job, keep the ledger. */
package io.migrationgatekeeper.migration;
