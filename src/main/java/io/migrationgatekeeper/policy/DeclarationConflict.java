package io.migrationgatekeeper.policy;

/**
 * libvirt refused a migration with {@code VIR_ERR_MIGRATE_UNSAFE} although the gatekeeper predicted its check would
 * pass: the host contradicts a declaration the prediction rested on.
 *
 * @param disk the disk (target dev) whose predicted verdict rested on the declaration
 */
public record DeclarationConflict(String disk, Declaration declaration) {

    /** {@code vda: the host contradicts gfs2 filesystem declared at /srv/gfs2}. */
    public String describe() {
        return disk + ": the host contradicts " + declaration.description();
    }

    /**
     * Whether libvirt refusing with {@code libvirtMessage} contradicts a declaration of this kind that its predicted
     * verdict {@code predicted} on a disk rested on. "Without shared storage" contradicts what made the disk shared,
     * cluster or network storage to libvirt (a filesystem type on its lists, a pool); the cache message contradicts
     * what exempted the disk from libvirt's cache check (a cluster filesystem type, a detected drop-cache).
     */
    public static boolean contradicts(String libvirtMessage, ReasonCode predicted, Declaration.Kind kind) {
        if (libvirtMessage == null) {
            return false;
        }
        boolean madeItShared = kind != Declaration.Kind.QEMU_DROP_CACHE;
        boolean skippedTheCacheCheck = predicted == ReasonCode.CLUSTER_FS || kind == Declaration.Kind.QEMU_DROP_CACHE;
        return libvirtMessage.contains(SafetyRule.NOT_SHARED) && madeItShared
                || libvirtMessage.contains(SafetyRule.CACHE_UNSAFE) && skippedTheCacheCheck;
    }
}
