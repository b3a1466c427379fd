/**
 * libvirt itself: one kept-alive connection per inventory host, every call bounded by a timeout, the one listing of a
 * host's domains (for the fleet views and drains alike), and the host status API.
 */
package io.migrationgatekeeper.libvirt;
