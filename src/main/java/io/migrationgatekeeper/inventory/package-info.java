/**
 * The host inventory: the only hosts requests may name and the gatekeeper may contact, from
 * {@code gatekeeper.hosts}; and what can go wrong calling one ({@link io.migrationgatekeeper.inventory.HostCallException}),
 * in the domain's words, for every feature that calls hosts through a port.
 */
package io.migrationgatekeeper.inventory;
