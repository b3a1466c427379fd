/** migration-gatekeeper: decides whether a live migration of a QEMU virtual machine is safe before any host is touched. */
package io.migrationgatekeeper;
