/** The migration safety rule itself: pure Java, no Spring, no I/O — domain + request + policy in, evaluation out. */
package io.migrationgatekeeper.policy;
