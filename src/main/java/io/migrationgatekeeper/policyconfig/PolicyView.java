package io.migrationgatekeeper.policyconfig;

import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.policy.CacheMode;
import io.migrationgatekeeper.policy.FilesystemDeclaration;
import io.migrationgatekeeper.policy.Policy;
import io.migrationgatekeeper.policy.PoolDeclaration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** {@code GET /v1/policy}: the policy in force, as the rule applies it (normalised paths, resolved classes). */
record PolicyView(
        String revision,
        String enforcement,
        boolean requireSharedStorage,
        boolean checkCacheMode,
        List<String> safeCacheModes,
        boolean honourDropCache,
        boolean allowUnsafeOverride,
        List<String> networkProtocols,
        List<FilesystemView> filesystems,
        List<PoolView> pools,
        Map<String, String> hostQemuDropCache) {

    record FilesystemView(String path, String type, String storage, boolean libvirtRecognised, List<String> hosts) {}

    record PoolView(String name, String storage, List<String> hosts) {}

    static PolicyView of(EffectivePolicy effective, Collection<InventoryHost> hosts) {
        Policy p = effective.policy();
        return new PolicyView(
                effective.revision(),
                p.enforcement().value(),
                p.requireSharedStorage(),
                p.checkCacheMode(),
                p.safeCacheModes().stream().map(CacheMode::xmlValue).toList(),
                p.honourDropCache(),
                p.allowUnsafeOverride(),
                p.networkProtocols(),
                p.filesystems().stream().map(PolicyView::filesystem).toList(),
                p.pools().stream().map(PolicyView::pool).toList(),
                hosts.stream().collect(Collectors.toMap(InventoryHost::name,
                        h -> h.qemuDropCache().name().toLowerCase(Locale.ROOT), (a, b) -> a, TreeMap::new)));
    }

    private static FilesystemView filesystem(FilesystemDeclaration fs) {
        return new FilesystemView(fs.path(), fs.type(), fs.storageClass().value(), fs.libvirtRecognised(), fs.hosts());
    }

    private static PoolView pool(PoolDeclaration pool) {
        return new PoolView(pool.name(), pool.storage().value(), pool.hosts());
    }
}
