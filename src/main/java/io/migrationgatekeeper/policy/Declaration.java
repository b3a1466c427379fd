package io.migrationgatekeeper.policy;

/**
 * Something the operator declared (or the gatekeeper detected) that a prediction of libvirt's own check rests on,
 * and that a host can therefore contradict: a filesystem type, a pool's storage, a drop-cache detection.
 *
 * @param key         what identifies it in the configuration: a filesystem's path, a pool's name, a host's name
 * @param description for operators: {@code gfs2 filesystem declared at /srv/gfs2}
 */
public record Declaration(Kind kind, String key, String description) {

    public enum Kind {
        /** {@code gatekeeper.policy.filesystems[i]} */
        FILESYSTEM,
        /** {@code gatekeeper.policy.pools[i]} */
        POOL,
        /** {@code gatekeeper.hosts.<name>.qemu-drop-cache: auto}, detected from the QEMU version */
        QEMU_DROP_CACHE
    }

    static Declaration of(FilesystemDeclaration fs) {
        return new Declaration(Kind.FILESYSTEM, fs.path(), fs.describe());
    }

    static Declaration of(PoolDeclaration pool) {
        return new Declaration(Kind.POOL, pool.name(), pool.describe());
    }

    static Declaration dropCacheDetected(String host) {
        return new Declaration(Kind.QEMU_DROP_CACHE, host, "qemu-drop-cache: auto of source host " + host
                + " (QEMU 4.0 or later detected)");
    }

    /**
     * A metric label naming it, bounded by the configuration: a filesystem's path, {@code pool:<name>}, or
     * {@code qemu-drop-cache:<host>}.
     */
    public String label() {
        return switch (kind) {
            case FILESYSTEM -> key;
            case POOL -> "pool:" + key;
            case QEMU_DROP_CACHE -> "qemu-drop-cache:" + key;
        };
    }
}
