package io.migrationgatekeeper.policy;

import java.util.List;

/**
 * Where a disk's data lives, in whichever of libvirt's source forms the disk type uses. Only the fields of
 * that form are set; a disk with no source at all (an empty CD-ROM) has no {@code DiskSource}.
 *
 * @param path     the file, block device, directory or socket path ({@code file}, {@code block}, {@code dir},
 *                 {@code vhostuser}, {@code vhostvdpa})
 * @param pool     the storage pool of a {@code volume} disk
 * @param volume   the volume within {@link #pool}
 * @param protocol the protocol of a {@code network} disk ({@code rbd}, {@code nbd}, …)
 * @param name     the image name of a {@code network} disk, or the PCI address of an {@code nvme} disk
 * @param hosts    the hosts of a {@code network} disk, as {@code name[:port]} or a socket path
 */
public record DiskSource(String path, String pool, String volume, String protocol, String name, List<String> hosts) {

    public DiskSource {
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
    }

    public static DiskSource ofPath(String path) {
        return new DiskSource(path, null, null, null, null, List.of());
    }

    public static DiskSource ofVolume(String pool, String volume) {
        return new DiskSource(null, pool, volume, null, null, List.of());
    }

    public static DiskSource ofNetwork(String protocol, String name, List<String> hosts) {
        return new DiskSource(null, null, null, protocol, name, hosts);
    }

    public static DiskSource ofNvme(String pciAddressAndNamespace) {
        return new DiskSource(null, null, null, null, pciAddressAndNamespace, List.of());
    }

    /** A one-line rendering for operators: a path, {@code pool/volume}, or {@code protocol://host/name}. */
    public String describe() {
        if (path != null) {
            return path;
        }
        if (pool != null) {
            return volume == null ? pool : pool + "/" + volume;
        }
        if (protocol != null) {
            String host = hosts.isEmpty() ? "" : hosts.get(0);
            return protocol + "://" + host + (name == null ? "" : "/" + name);
        }
        return name == null ? "" : name;
    }
}
