package io.migrationgatekeeper.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The operator's policy: switches, safe cache modes and storage declarations. Constructing one validates it,
 * so a policy that exists is one the rule can apply.
 *
 * @param networkProtocols when not empty, only these network protocols count as network storage; others are
 *                         {@link StorageClass#OTHER} and go through the cache rule
 */
public record Policy(
        Enforcement enforcement,
        boolean requireSharedStorage,
        boolean checkCacheMode,
        List<CacheMode> safeCacheModes,
        boolean honourDropCache,
        boolean allowUnsafeOverride,
        List<String> networkProtocols,
        List<FilesystemDeclaration> filesystems,
        List<PoolDeclaration> pools) {

    /** libvirt's {@code virStorageNetProtocol} names. */
    static final Set<String> LIBVIRT_NETWORK_PROTOCOLS = Set.of(
            "nbd", "rbd", "sheepdog", "gluster", "iscsi", "http", "https", "ftp", "ftps", "tftp", "ssh", "vxhs", "nfs");

    public Policy {
        if (enforcement == null) {
            throw new InvalidPolicyException("enforcement", "must be enforce or warn");
        }
        if (safeCacheModes == null) {
            throw new InvalidPolicyException("safe-cache-modes", "is required");
        }
        safeCacheModes = List.copyOf(safeCacheModes.isEmpty()
                ? EnumSet.noneOf(CacheMode.class) : EnumSet.copyOf(safeCacheModes));
        List<String> protocols = new ArrayList<>();
        for (String protocol : networkProtocols == null ? List.<String>of() : networkProtocols) {
            String normalised = protocol == null ? "" : protocol.strip().toLowerCase(Locale.ROOT);
            if (!LIBVIRT_NETWORK_PROTOCOLS.contains(normalised)) {
                throw new InvalidPolicyException("network-protocols", "'" + protocol
                        + "' is not a libvirt network disk protocol " + new TreeSet<>(LIBVIRT_NETWORK_PROTOCOLS));
            }
            protocols.add(normalised);
        }
        networkProtocols = List.copyOf(new TreeSet<>(protocols));
        filesystems = List.copyOf(filesystems == null ? List.of() : filesystems);
        pools = List.copyOf(pools == null ? List.of() : pools);
        rejectDuplicates(filesystems.stream().filter(fs -> fs.hosts().isEmpty()).map(FilesystemDeclaration::path).toList(),
                "filesystems", "path");
        rejectDuplicates(pools.stream().filter(pool -> pool.hosts().isEmpty()).map(PoolDeclaration::name).toList(),
                "pools", "name");
    }

    /**
     * The storage declarations a prediction of libvirt's own check can rest on, so the ones a host can contradict:
     * filesystems of a type libvirt recognises, and pools. (A host's detected drop-cache can be contradicted too;
     * it is the inventory's, one per host, not the policy's.)
     */
    public List<Declaration> contradictable() {
        List<Declaration> declarations = new ArrayList<>();
        filesystems.stream().filter(FilesystemDeclaration::libvirtRecognised).map(Declaration::of)
                .forEach(declarations::add);
        pools.stream().map(Declaration::of).forEach(declarations::add);
        return List.copyOf(declarations);
    }

    private static void rejectDuplicates(Collection<String> keys, String list, String field) {
        Set<String> seen = new TreeSet<>();
        for (String key : keys) {
            if (!seen.add(key)) {
                throw new InvalidPolicyException(list, "two " + list + " entries without hosts share the " + field
                        + " '" + key + "': which one applies would be a guess");
            }
        }
    }
}
