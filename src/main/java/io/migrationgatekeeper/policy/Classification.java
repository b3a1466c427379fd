package io.migrationgatekeeper.policy;

/**
 * The storage class of a disk and the declaration that decided it, if any.
 *
 * @param filesystem the filesystem declaration a {@code file} disk matched; null otherwise
 * @param pool       the pool declaration a {@code volume} disk matched; null otherwise
 */
public record Classification(StorageClass storageClass, FilesystemDeclaration filesystem, PoolDeclaration pool) {

    static Classification of(StorageClass storageClass) {
        return new Classification(storageClass, null, null);
    }

    /** libvirt would see this file as local storage, though the policy declares it shared or cluster. */
    boolean hiddenFromLibvirt() {
        return filesystem != null && !filesystem.libvirtRecognised();
    }
}
