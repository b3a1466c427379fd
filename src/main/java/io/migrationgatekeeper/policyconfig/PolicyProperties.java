package io.migrationgatekeeper.policyconfig;

import io.migrationgatekeeper.policy.CacheMode;
import io.migrationgatekeeper.policy.Enforcement;
import io.migrationgatekeeper.policy.StorageClass;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** {@code gatekeeper.policy.*}, the specification's property names; see the README's configuration reference. */
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

    record Filesystem(String path, String type, boolean shared, boolean cluster, List<String> hosts) {}

    record Pool(String name, StorageClass storage, List<String> hosts) {}
}
