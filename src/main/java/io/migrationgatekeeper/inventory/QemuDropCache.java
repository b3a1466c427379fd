package io.migrationgatekeeper.inventory;

/** Whether a host's QEMU drops the page cache on migration (QEMU 4.0 and later): declared, or read from libvirt. */
public enum QemuDropCache {
    TRUE,
    FALSE,
    /** From the hypervisor version the host's libvirt reports; unknown (so not assumed) until it has answered. */
    AUTO
}
