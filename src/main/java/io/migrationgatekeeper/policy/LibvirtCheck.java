package io.migrationgatekeeper.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * libvirt's own check ({@code qemuMigrationSrcIsAllowed} and {@code qemuMigrationSrcIsSafe}, libvirt 9.0),
 * predicted from what libvirt can see for itself: the filesystem types on its lists, the pools it resolves, the
 * drop-cache capability it detects. The gatekeeper's switches and its {@code cluster: true} / {@code shared: true}
 * marks are the operator's knowledge, not libvirt's, and play no part here. Checks run in libvirt's order.
 */
final class LibvirtCheck {

    static final String CACHE_MODES = "none or directsync";

    private LibvirtCheck() {}

    /**
     * @param classification the disk's classification; it says what libvirt sees
     */
    static LibvirtVerdict predict(Disk disk, MigrationRequest request, Classification classification,
            SourceHostFacts host) {
        if (request.offline()) {
            return new LibvirtVerdict(ReasonCode.OFFLINE_MIGRATION, null, null, List.of());
        }
        if (disk.transientDisk()) {
            return new LibvirtVerdict(ReasonCode.TRANSIENT_DISK, null, SafetyRule.TRANSIENT, List.of());
        }
        if (disk.isEmpty()) {
            return new LibvirtVerdict(ReasonCode.EMPTY, null, null, List.of());
        }
        if (disk.readonly()) {
            return new LibvirtVerdict(ReasonCode.READONLY, null, null, List.of());
        }
        if (request.storageMigration().copiesDisks() && SafetyRule.copied(disk, request)) {
            return new LibvirtVerdict(ReasonCode.STORAGE_MIGRATED, null, null, List.of());
        }
        StorageClass seen = classification.libvirtClass();
        List<Declaration> reliesOn = classification.libvirtReliesOn() == null
                ? List.of() : List.of(classification.libvirtReliesOn());
        switch (seen) {
            case NETWORK:
                return new LibvirtVerdict(ReasonCode.NETWORK_STORAGE, seen, null, reliesOn);
            case CLUSTER:
                return new LibvirtVerdict(ReasonCode.CLUSTER_FS, seen, null, reliesOn);
            case LOCAL:
                return new LibvirtVerdict(ReasonCode.STORAGE_NOT_SHARED, seen,
                        SafetyRule.UNSAFE_PREFIX + SafetyRule.NOT_SHARED, List.of());
            case SHARED:
            case OTHER:
                break;
        }
        if (disk.shareable()) {
            return new LibvirtVerdict(ReasonCode.SHAREABLE, seen, null, reliesOn);
        }
        if (disk.cache() == CacheMode.NONE || disk.cache() == CacheMode.DIRECTSYNC) {
            return new LibvirtVerdict(ReasonCode.SAFE_CACHE_MODE, seen, null, reliesOn);
        }
        if (host.libvirtSeesDropCache()) {
            List<Declaration> both = new ArrayList<>(reliesOn);
            both.add(Declaration.dropCacheDetected(request.sourceHost()));
            return new LibvirtVerdict(ReasonCode.DROP_CACHE, seen, null, both);
        }
        return new LibvirtVerdict(ReasonCode.CACHE_MODE_UNSAFE, seen, SafetyRule.UNSAFE_PREFIX + SafetyRule.CACHE_UNSAFE,
                List.of());
    }
}
