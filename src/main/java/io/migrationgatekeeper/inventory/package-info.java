/** The host inventory: the only hosts requests may name and the gatekeeper may contact, from {@code gatekeeper.hosts}. */
package io.migrationgatekeeper.inventory;
