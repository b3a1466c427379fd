/** Metrics for the dashboards of denied migrations: decisions, violations, evaluation time, migration outcomes. */
package io.migrationgatekeeper.observability;
