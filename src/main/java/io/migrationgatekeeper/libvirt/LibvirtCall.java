package io.migrationgatekeeper.libvirt;

import org.libvirt.LibvirtException;

/**
 * One piece of work on a host: look handles up through the session (they are freed when the call returns), and
 * return plain values, never a handle, since it is freed by then.
 */
@FunctionalInterface
interface LibvirtCall<T> {
    T apply(LibvirtSession session) throws LibvirtException;
}
