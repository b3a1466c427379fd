/** The libvirt hosts the gatekeeper knows: the configured inventory (connections and the migration gateway come later). */
package io.migrationgatekeeper.libvirt;
