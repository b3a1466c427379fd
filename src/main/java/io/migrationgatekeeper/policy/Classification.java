package io.migrationgatekeeper.policy;

/**
 * The storage class of a disk, what decided it, and the class libvirt's own check would see for itself.
 *
 * @param filesystem   the filesystem declaration a {@code file} disk matched; null otherwise
 * @param pool         the pool declaration a {@code volume} disk matched; null otherwise
 * @param discovered   the storage pool reported by the source host that decided, when no declaration did
 * @param libvirtClass what libvirt's {@code qemuMigrationSrcIsSafe} takes the storage for: it recognises
 *                     filesystem types from their magic (only those on its lists), resolves volumes itself,
 *                     and never reads the gatekeeper's {@code cluster: true} / {@code shared: true} marks
 */
public record Classification(StorageClass storageClass, FilesystemDeclaration filesystem, PoolDeclaration pool,
        DiscoveredPool discovered, StorageClass libvirtClass) {

    /** Storage both see the same way, decided by the disk type alone. */
    static Classification of(StorageClass storageClass) {
        return new Classification(storageClass, null, null, null, storageClass);
    }

    /**
     * The declaration libvirt's predicted verdict depends on: a filesystem type on libvirt's lists, or a pool.
     * When the host contradicts it (libvirt refuses where the gatekeeper predicted it would accept), this is the
     * declaration to check. Null when libvirt's view rests on nothing declared.
     */
    public Declaration libvirtReliesOn() {
        if (filesystem != null && filesystem.libvirtRecognised()) {
            return Declaration.of(filesystem);
        }
        if (pool != null) {
            return Declaration.of(pool);
        }
        return null;
    }

    /** What decided the class, for messages. */
    String decidedBy() {
        if (filesystem != null) {
            return filesystem.describe();
        }
        if (pool != null) {
            return pool.describe();
        }
        if (discovered != null) {
            return discovered.describe() + " reported by the source host";
        }
        return null;
    }
}
