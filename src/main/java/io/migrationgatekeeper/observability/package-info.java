/** Metrics for the dashboards of denied migrations: decisions, violations and evaluation time. */
package io.migrationgatekeeper.observability;
