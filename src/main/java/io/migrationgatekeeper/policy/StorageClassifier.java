package io.migrationgatekeeper.policy;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Places a disk's storage in a {@link StorageClass} from its type and the policy's declarations. */
final class StorageClassifier {

    private record MountEntry(StoragePath path, HostScope scope, FilesystemDeclaration declaration) {}

    private record PoolEntry(HostScope scope, PoolDeclaration declaration) {}

    /** Deepest first; at equal depth a host-scoped entry first, being the more specific; then declaration order. */
    private final List<MountEntry> mounts;
    private final List<PoolEntry> pools;
    private final List<String> networkProtocols;

    StorageClassifier(Policy policy) {
        this.mounts = policy.filesystems().stream()
                .map(fs -> new MountEntry(StoragePath.parse(fs.path()).orElseThrow(), HostScope.of(fs.hosts()), fs))
                .sorted(Comparator.comparingInt((MountEntry m) -> -m.path().depth())
                        .thenComparing(m -> !m.scope().scoped()))
                .toList();
        this.pools = policy.pools().stream()
                .map(pool -> new PoolEntry(HostScope.of(pool.hosts()), pool))
                .sorted(Comparator.comparing(p -> !p.scope().scoped()))
                .toList();
        this.networkProtocols = policy.networkProtocols();
    }

    Classification classify(Disk disk, String sourceHost) {
        DiskSource source = disk.source();
        // Exhaustive without a default, as libvirt's qemuMigrationSrcIsSafe: a new disk type fails to compile here.
        return switch (disk.type()) {
            case NETWORK -> Classification.of(networkProtocols.isEmpty() || networkProtocols.contains(source.protocol())
                    ? StorageClass.NETWORK : StorageClass.OTHER);
            case FILE -> StoragePath.parse(source.path())
                    .flatMap(path -> mountOf(path, sourceHost))
                    .map(mount -> new Classification(mount.declaration().storageClass(), mount.declaration(), null))
                    .orElse(Classification.of(StorageClass.LOCAL));
            case VOLUME -> pools.stream()
                    .filter(p -> p.declaration().name().equals(source.pool()) && p.scope().appliesTo(sourceHost))
                    .findFirst()
                    .map(p -> new Classification(p.declaration().storage(), null, p.declaration()))
                    .orElse(Classification.of(StorageClass.OTHER));
            case NVME -> Classification.of(StorageClass.LOCAL);
            case BLOCK, DIR, VHOSTUSER, VHOSTVDPA -> Classification.of(StorageClass.OTHER);
        };
    }

    private Optional<MountEntry> mountOf(StoragePath path, String sourceHost) {
        return mounts.stream().filter(m -> path.startsWith(m.path()) && m.scope().appliesTo(sourceHost)).findFirst();
    }
}
