package io.migrationgatekeeper.policy;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A mount point the operator declares as shared or cluster storage. The filesystem type decides the class
 * unless the entry says so itself. libvirt's own check recognises only the types on its lists, from the
 * filesystem's magic: a type it does not recognise looks local to it, and a {@code cluster: true} mark does not
 * change what it sees ({@link #libvirtClass()}).
 */
public record FilesystemDeclaration(
        String path, String type, StorageClass storageClass, boolean libvirtRecognised, List<String> hosts) {

    /** libvirt's {@code virFileIsClusterFS}: coherent, safe with any cache mode. */
    private static final Set<String> CLUSTER_TYPES = Set.of("gfs2", "ocfs2", "cephfs", "glusterfs");

    private static final Set<String> SHARED_TYPES =
            Set.of("nfs", "cifs", "smb", "afs", "gpfs", "beegfs", "quobyte", "acfs");

    /** libvirt's {@code virFileIsSharedFS} list: the types its own statfs() check takes for shared storage. */
    private static final Set<String> LIBVIRT_SHARED_TYPES = Set.of(
            "nfs", "gfs2", "ocfs2", "afs", "smb", "cifs", "cephfs", "gpfs", "quobyte", "acfs", "glusterfs", "beegfs");

    public FilesystemDeclaration {
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
    }

    /**
     * @param shared  the entry's {@code shared: true}
     * @param cluster the entry's {@code cluster: true}; wins over {@code shared}
     * @throws InvalidPolicyException naming {@code path}, {@code type} or {@code hosts}
     */
    public static FilesystemDeclaration of(String path, String type, boolean shared, boolean cluster, List<String> hosts) {
        if (path == null || path.isBlank()) {
            throw new InvalidPolicyException("path", "is required");
        }
        StoragePath normalised = StoragePath.parse(path).orElseThrow(() -> new InvalidPolicyException("path",
                "'" + path + "' must be an absolute path that stays below /"));
        if (type == null || type.isBlank()) {
            throw new InvalidPolicyException("type", "is required (e.g. gfs2, ocfs2, nfs)");
        }
        String fsType = type.strip().toLowerCase(Locale.ROOT);
        StorageClass storageClass;
        if (cluster || CLUSTER_TYPES.contains(fsType)) {
            storageClass = StorageClass.CLUSTER;
        } else if (shared || SHARED_TYPES.contains(fsType)) {
            storageClass = StorageClass.SHARED;
        } else {
            throw new InvalidPolicyException("type", "'" + type + "' is not a known cluster type " + sorted(CLUSTER_TYPES)
                    + " or shared type " + sorted(SHARED_TYPES) + ": declare it with shared: true or cluster: true");
        }
        HostScope.of(hosts);
        return new FilesystemDeclaration(normalised.toString(), fsType, storageClass,
                LIBVIRT_SHARED_TYPES.contains(fsType), hosts);
    }

    /**
     * What libvirt's own check takes a file on this filesystem for, if the declaration is true: cluster for a
     * type on {@code virFileIsClusterFS}'s list, shared for one on {@code virFileIsSharedFS}'s, local otherwise.
     */
    public StorageClass libvirtClass() {
        if (CLUSTER_TYPES.contains(type)) {
            return StorageClass.CLUSTER;
        }
        return libvirtRecognised ? StorageClass.SHARED : StorageClass.LOCAL;
    }

    /** {@code gfs2 filesystem declared at /srv/gfs2}: how operators find the entry. */
    public String describe() {
        return type + " filesystem declared at " + path + (hosts.isEmpty() ? "" : " for hosts " + String.join(", ", hosts));
    }

    private static List<String> sorted(Set<String> types) {
        return types.stream().sorted().toList();
    }
}
