package io.migrationgatekeeper.policy;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Places a disk's storage in a {@link StorageClass} from its type, the policy's declarations and the pools the
 * source host reported (a declaration wins over what a host reports), and says what libvirt would see.
 */
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

    Classification classify(Disk disk, String sourceHost, List<DiscoveredPool> discovered) {
        DiskSource source = disk.source();
        // Exhaustive without a default, as libvirt's qemuMigrationSrcIsSafe: a new disk type fails to compile here.
        return switch (disk.type()) {
            case NETWORK -> new Classification(networkProtocols.isEmpty() || networkProtocols.contains(source.protocol())
                    ? StorageClass.NETWORK : StorageClass.OTHER, null, null, null, StorageClass.NETWORK);
            case FILE -> classifyPath(source.path(), sourceHost, discovered);
            case VOLUME -> classifyVolume(source, sourceHost, discovered);
            case NVME -> Classification.of(StorageClass.LOCAL);
            case BLOCK, DIR, VHOSTUSER, VHOSTVDPA -> Classification.of(StorageClass.OTHER);
        };
    }

    /** A file: the deepest declared filesystem holding it, else the deepest reported pool directory, else local. */
    private Classification classifyPath(String path, String sourceHost, List<DiscoveredPool> discovered) {
        Optional<StoragePath> parsed = StoragePath.parse(path);
        Optional<MountEntry> mount = parsed.flatMap(p -> mountOf(p, sourceHost));
        if (mount.isPresent()) {
            FilesystemDeclaration fs = mount.get().declaration();
            return new Classification(fs.storageClass(), fs, null, null, fs.libvirtClass());
        }
        Optional<DiscoveredPool> pool = parsed.flatMap(p -> poolDirectoryOf(p, discovered));
        if (pool.isPresent()) {
            // libvirt's statfs() sees the same filesystem the pool's type says it mounted.
            StorageClass storage = pool.get().storageClass().orElseThrow();
            return new Classification(storage, null, null, pool.get(), storage);
        }
        return Classification.of(StorageClass.LOCAL);
    }

    /**
     * A volume: a declared pool decides (libvirt resolves the pool's real storage itself, so it is taken to see
     * what the declaration says); else the pool the host reported: a directory-backed one as the volume's file
     * in it, a block-backed one as the block device libvirt resolves it to; else nothing is known.
     */
    private Classification classifyVolume(DiskSource source, String sourceHost, List<DiscoveredPool> discovered) {
        Optional<PoolEntry> declared = pools.stream()
                .filter(p -> p.declaration().name().equals(source.pool()) && p.scope().appliesTo(sourceHost))
                .findFirst();
        if (declared.isPresent()) {
            PoolDeclaration pool = declared.get().declaration();
            return new Classification(pool.storage(), null, pool, null, pool.storage());
        }
        Optional<DiscoveredPool> reported = discovered.stream().filter(p -> p.name().equals(source.pool())).findFirst();
        if (reported.isEmpty() || reported.get().storageClass().isEmpty()) {
            return Classification.of(StorageClass.OTHER);
        }
        DiscoveredPool pool = reported.get();
        StorageClass storage = pool.storageClass().orElseThrow();
        return switch (pool.backing()) {
            case FILE -> {
                // A volume name never holds a '/' in a directory pool: one that does is not placed by path.
                Classification file = pool.targetPath() == null || source.volume() == null
                        || source.volume().contains("/") ? null : classifyPath(pool.targetPath() + "/" + source.volume(), sourceHost, discovered);
                yield file != null && (file.filesystem() != null || pool.equals(file.discovered()))
                        ? new Classification(file.storageClass(), file.filesystem(), null, pool, file.libvirtClass())
                        : new Classification(storage, null, null, pool, storage);
            }
            case BLOCK -> new Classification(storage, null, null, pool, StorageClass.OTHER);
            case NETWORK -> new Classification(storage, null, null, pool, StorageClass.NETWORK);
            case UNKNOWN -> Classification.of(StorageClass.OTHER);
        };
    }

    private Optional<MountEntry> mountOf(StoragePath path, String sourceHost) {
        return mounts.stream().filter(m -> path.startsWith(m.path()) && m.scope().appliesTo(sourceHost)).findFirst();
    }

    /** The deepest directory-backed pool with a known class whose target path holds the file. */
    private static Optional<DiscoveredPool> poolDirectoryOf(StoragePath path, List<DiscoveredPool> discovered) {
        DiscoveredPool best = null;
        int depth = -1;
        for (DiscoveredPool pool : discovered) {
            if (pool.backing() != DiscoveredPool.Backing.FILE || pool.storageClass().isEmpty()) {
                continue;
            }
            Optional<StoragePath> target = StoragePath.parse(pool.targetPath());
            if (target.isPresent() && path.startsWith(target.get()) && target.get().depth() > depth) {
                best = pool;
                depth = target.get().depth();
            }
        }
        return Optional.ofNullable(best);
    }
}
