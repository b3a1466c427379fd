package io.migrationgatekeeper.policyconfig;

import io.migrationgatekeeper.policy.CacheMode;
import io.migrationgatekeeper.policy.Enforcement;
import io.migrationgatekeeper.policy.StorageClass;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code gatekeeper.policy.*}, the specification's property names; see the README's configuration reference.
 *
 * @param enforcement          enforce, or warn: denials are reported, counted as would-deny, and let through
 * @param requireSharedStorage step 7 of the rule: a local disk is unsafe; false hands local disks to the cache rule
 * @param checkCacheMode       step 9: the system-wide switch for the cache-mode check
 * @param safeCacheModes       cache modes that are safe to migrate (libvirt's: none, directsync)
 * @param honourDropCache      step 11: trust hosts declared with qemu-drop-cache (QEMU 4.0 drops the page cache)
 * @param allowUnsafeOverride  false: a request that carries an unsafe override is refused with 403
 * @param networkProtocols     if set, only these libvirt protocols (rbd, nbd, iscsi, gluster, ...) count as network
 *                             storage
 * @param filesystems          storage declarations (path, type, shared, cluster, hosts); the longest path prefix wins
 * @param pools                libvirt storage pools (name, storage: network, cluster, shared or local, hosts)
 */
@ConfigurationProperties("gatekeeper.policy")
record PolicyProperties(
        @DefaultValue("enforce") Enforcement enforcement,
        @DefaultValue("true") boolean requireSharedStorage,
        @DefaultValue("true") boolean checkCacheMode,
        @DefaultValue({"none", "directsync"}) List<CacheMode> safeCacheModes,
        @DefaultValue("false") boolean honourDropCache,
        @DefaultValue("true") boolean allowUnsafeOverride,
        List<String> networkProtocols,
        List<Filesystem> filesystems,
        List<Pool> pools) {

    PolicyProperties {
        networkProtocols = networkProtocols == null ? List.of() : networkProtocols;
        filesystems = filesystems == null ? List.of() : filesystems;
        pools = pools == null ? List.of() : pools;
    }

    /**
     * @param path    an absolute mount point
     * @param type    the filesystem type; an unknown one needs shared or cluster
     * @param shared  mark any type shared (the cache rule still applies)
     * @param cluster mark any type a coherent cluster filesystem
     * @param hosts   source-host globs this entry applies to; none: every host
     */
    record Filesystem(String path, String type, boolean shared, boolean cluster, List<String> hosts) {}

    /**
     * @param name    the libvirt storage pool
     * @param storage network, cluster, shared or local
     * @param hosts   source-host globs this entry applies to; none: every host
     */
    record Pool(String name, StorageClass storage, List<String> hosts) {}
}
