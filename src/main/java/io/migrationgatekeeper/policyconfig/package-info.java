/** The effective policy: binds and validates {@code gatekeeper.policy.*} at start-up, gives it a revision, serves it. */
package io.migrationgatekeeper.policyconfig;
