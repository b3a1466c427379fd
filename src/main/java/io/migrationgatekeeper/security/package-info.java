/** Who may preflight, migrate and override: JWT and API-key authentication, scopes, and per-caller rate limits. */
package io.migrationgatekeeper.security;
