package io.migrationgatekeeper.inventory;

/**
 * A call to a host's libvirtd that did not give an answer, in the domain's words: the host could not be reached,
 * it has no such domain, libvirt refused, or this machine has no libvirt client at all. Thrown by the libvirt
 * adapter behind the ports other features own; only the web layer turns it into a problem response.
 */
public abstract sealed class HostCallException extends RuntimeException
        permits HostUnavailableException, DomainNotFoundException, LibvirtFailureException, LibvirtUnavailableException {

    private final String host;

    HostCallException(String host, String detail) {
        super(detail);
        this.host = host;
    }

    /** The inventory name of the host called; null for {@link LibvirtUnavailableException}. */
    public String host() {
        return host;
    }
}
