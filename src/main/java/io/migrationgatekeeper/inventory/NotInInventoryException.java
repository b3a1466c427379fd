package io.migrationgatekeeper.inventory;

/** A request named a host that is not in {@code gatekeeper.hosts}; nothing was contacted. */
public final class NotInInventoryException extends RuntimeException {

    private final String parameter;

    /** @param parameter the request parameter or field that named the host */
    public NotInInventoryException(String parameter, String detail) {
        super(detail);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
