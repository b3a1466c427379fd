package io.migrationgatekeeper.inventory;

/** The host's libvirtd answered with an error that is about the request, not the connection. */
public final class LibvirtFailureException extends HostCallException {

    private final String libvirtCode;
    private final String libvirtMessage;

    /**
     * @param libvirtCode    libvirt's error code, e.g. {@code VIR_ERR_OPERATION_INVALID}
     * @param libvirtMessage libvirt's own message
     */
    public LibvirtFailureException(String host, String detail, String libvirtCode, String libvirtMessage) {
        super(host, detail);
        this.libvirtCode = libvirtCode;
        this.libvirtMessage = libvirtMessage;
    }

    public String libvirtCode() {
        return libvirtCode;
    }

    public String libvirtMessage() {
        return libvirtMessage;
    }
}
