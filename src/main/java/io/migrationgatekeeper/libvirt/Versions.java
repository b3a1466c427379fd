package io.migrationgatekeeper.libvirt;

/**
 * What a host's libvirtd reported when the connection opened.
 *
 * @param libvirt    libvirt's version on the host, as libvirt encodes it (major * 1,000,000 + minor * 1,000 + release)
 * @param hypervisor the hypervisor's version, encoded the same way
 */
record Versions(long libvirt, String hypervisorType, long hypervisor, String hostname) {

    /** QEMU 4.0 drops the page cache of migrated disks ({@code migration-file-drop-cache}). */
    boolean qemuDropsPageCache() {
        return "QEMU".equalsIgnoreCase(hypervisorType) && hypervisor >= 4_000_000;
    }

    /** {@code VIR_MIGRATE_UNSAFE} exists since libvirt 0.9.11. */
    boolean acceptsUnsafeFlag() {
        return libvirt >= 9_011;
    }

    static String format(long version) {
        return (version / 1_000_000) + "." + (version / 1_000 % 1_000) + "." + (version % 1_000);
    }
}
