/** {@code POST /v1/preflight}: a domain XML and a migration request in, the rule's evaluation out, nothing touched. */
package io.migrationgatekeeper.preflight;
