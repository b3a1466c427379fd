package io.migrationgatekeeper.inventory;

/** This machine cannot call any host: the native libvirt client library (Debian {@code libvirt0}) is missing. */
public final class LibvirtUnavailableException extends HostCallException {

    public LibvirtUnavailableException(String detail) {
        super(null, detail);
    }
}
