package io.migrationgatekeeper.libvirt;

/** A host connection's state, as last seen; reading it never contacts the host. */
enum ConnectionState {
    /** Not opened yet: connections open on first use. */
    IDLE,
    CONNECTED,
    /** The last attempt failed, or the connection was closed (daemon gone, keepalive lost, call timed out). */
    DISCONNECTED
}
