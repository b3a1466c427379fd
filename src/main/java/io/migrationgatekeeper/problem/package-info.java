/**
 * RFC 9457 problem responses: one stable type URI per kind of error, and the mapping of failures to them; and what
 * every endpoint shares to read a request strictly (bounded bodies, strict JSON and query parameters, request ids)
 * and to write JSON without a mapper.
 */
package io.migrationgatekeeper.problem;
