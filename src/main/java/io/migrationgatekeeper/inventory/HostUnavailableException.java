package io.migrationgatekeeper.inventory;

import java.time.Duration;

/**
 * The host's libvirtd could not be reached, dropped the connection, or did not answer within the call timeout.
 * Worth retrying later: {@link #retryAfter()} says when.
 */
public final class HostUnavailableException extends HostCallException {

    private final String libvirtCode;
    private final Duration retryAfter;

    /** @param libvirtCode libvirt's error code ({@code VIR_ERR_…}) when libvirt reported one, else null */
    public HostUnavailableException(String host, String detail, String libvirtCode, Duration retryAfter) {
        super(host, detail);
        this.libvirtCode = libvirtCode;
        this.retryAfter = retryAfter;
    }

    public String libvirtCode() {
        return libvirtCode;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
