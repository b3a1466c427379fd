/** RFC 9457 problem responses: one stable type URI per kind of error, and the mapping of failures to them. */
package io.migrationgatekeeper.problem;
