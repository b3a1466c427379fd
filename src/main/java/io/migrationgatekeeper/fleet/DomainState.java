package io.migrationgatekeeper.fleet;

/** libvirt's {@code virDomainState}, in its order. */
public enum DomainState {
    NOSTATE,
    RUNNING,
    BLOCKED,
    PAUSED,
    SHUTDOWN,
    SHUTOFF,
    CRASHED,
    PMSUSPENDED
}
