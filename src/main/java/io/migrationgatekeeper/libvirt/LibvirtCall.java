package io.migrationgatekeeper.libvirt;

import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/** One piece of work on a host's connection. */
@FunctionalInterface
interface LibvirtCall<T> {
    T apply(Connect connect) throws LibvirtException;
}
