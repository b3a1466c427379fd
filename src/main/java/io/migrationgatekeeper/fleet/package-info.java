/**
 * The fleet view: the domains on a host with each one's verdict, and the periodic audit of every running domain on
 * every host. Reaches libvirt only through {@link io.migrationgatekeeper.fleet.HostDomains}, which the libvirt
 * package implements.
 */
package io.migrationgatekeeper.fleet;
