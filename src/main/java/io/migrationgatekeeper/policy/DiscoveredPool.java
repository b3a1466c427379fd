package io.migrationgatekeeper.policy;

import java.util.Locale;
import java.util.Optional;

/**
 * A storage pool as a host's libvirtd reports it ({@code virsh pool-dumpxml}): its type, source format and
 * target path. libvirt knows what such a pool really is, so the gatekeeper classifies it without a declaration;
 * a configured declaration still wins.
 *
 * @param type         libvirt's pool type ({@code dir}, {@code netfs}, {@code rbd}, …), lower case
 * @param sourceFormat {@code <source><format type=…>} ({@code nfs}, {@code glusterfs}, …); null when absent
 * @param targetPath   {@code <target><path>}; null for pools without one (rbd, gluster, …)
 */
public record DiscoveredPool(String name, String type, String sourceFormat, String targetPath) {

    /** How libvirt reaches a volume of the pool: the volume's actual disk type. */
    public enum Backing {
        /** A file under the pool's target path: libvirt's own check statfs()es it. */
        FILE,
        /** A block device: libvirt's own check goes straight to the cache rule. */
        BLOCK,
        /** QEMU opens the volume over the network. */
        NETWORK,
        /** A pool type this classification does not know. */
        UNKNOWN
    }

    public DiscoveredPool {
        type = type == null ? "" : type.strip().toLowerCase(Locale.ROOT);
        sourceFormat = sourceFormat == null || sourceFormat.isBlank() ? null : sourceFormat.strip().toLowerCase(Locale.ROOT);
        targetPath = targetPath == null || targetPath.isBlank() ? null : targetPath.strip();
    }

    public Backing backing() {
        return switch (type) {
            case "dir", "fs", "netfs" -> Backing.FILE;
            case "logical", "disk", "iscsi", "scsi", "mpath", "zfs" -> Backing.BLOCK;
            case "rbd", "gluster", "iscsi-direct", "sheepdog" -> Backing.NETWORK;
            default -> Backing.UNKNOWN;
        };
    }

    /**
     * The pool's storage class: network pools are network storage; {@code netfs} by its source format
     * ({@code glusterfs} cluster, {@code nfs} and {@code cifs} shared); local disks, volume groups, LUNs and
     * plain directories local. Empty when it cannot be told ({@code netfs} with format {@code auto}, a pool
     * type this version does not know).
     */
    public Optional<StorageClass> storageClass() {
        return Optional.ofNullable(switch (type) {
            case "rbd", "gluster", "iscsi-direct", "sheepdog" -> StorageClass.NETWORK;
            case "netfs" -> sourceFormat == null ? null : switch (sourceFormat) {
                case "glusterfs" -> StorageClass.CLUSTER;
                case "nfs", "cifs" -> StorageClass.SHARED;
                default -> null;
            };
            case "logical", "disk", "dir", "fs", "zfs", "iscsi", "scsi", "mpath" -> StorageClass.LOCAL;
            default -> null;
        });
    }

    /** What classifies this pool, for operators: {@code netfs pool (glusterfs) at /mnt/gv0}. */
    public String describe() {
        return type + " pool " + name + (sourceFormat == null ? "" : " (" + sourceFormat + ")")
                + (targetPath == null ? "" : " at " + targetPath);
    }
}
