/** libvirt itself: one kept-alive connection per inventory host, every call bounded by a timeout, and the host status API. */
package io.migrationgatekeeper.libvirt;
