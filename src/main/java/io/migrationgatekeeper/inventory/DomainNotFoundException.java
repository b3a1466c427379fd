package io.migrationgatekeeper.inventory;

/** The host answered, and has no domain by that name or UUID. */
public final class DomainNotFoundException extends HostCallException {

    public DomainNotFoundException(String host, String detail) {
        super(host, detail);
    }
}
