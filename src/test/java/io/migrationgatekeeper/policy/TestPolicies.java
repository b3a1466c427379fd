package io.migrationgatekeeper.policy;

import java.util.List;
import java.util.Map;

/**
 * The policy variants the rule table names, built directly. {@code sample} is application-sample.yaml, which
 * {@code SamplePolicyBindingIT} checks record for record, so the unit and HTTP tests judge the same policy.
 */
public final class TestPolicies {

    /** The sample inventory: these hosts' QEMU drops the page cache on migration. */
    public static final Map<String, SourceHostFacts> HOSTS = Map.of(
            "kvm-a1", new SourceHostFacts(true, true),
            "kvm-a2", new SourceHostFacts(true, true),
            "kvm-b1", new SourceHostFacts(false, true));

    private TestPolicies() {}

    public static Policy sample() {
        return with(Enforcement.ENFORCE, true, true, List.of(CacheMode.NONE, CacheMode.DIRECTSYNC), false, true,
                List.of());
    }

    public static Policy named(String variant) {
        Policy s = sample();
        return switch (variant) {
            case "sample" -> s;
            case "warn" -> with(Enforcement.WARN, true, true, s.safeCacheModes(), false, true, List.of());
            case "shared-not-required" -> with(Enforcement.ENFORCE, false, true, s.safeCacheModes(), false, true, List.of());
            case "cache-check-off" -> with(Enforcement.ENFORCE, true, false, s.safeCacheModes(), false, true, List.of());
            case "drop-cache" -> with(Enforcement.ENFORCE, true, true, s.safeCacheModes(), true, true, List.of());
            case "no-override" -> with(Enforcement.ENFORCE, true, true, s.safeCacheModes(), false, false, List.of());
            case "rbd-only" -> with(Enforcement.ENFORCE, true, true, s.safeCacheModes(), false, true, List.of("rbd"));
            case "writethrough-safe" -> with(Enforcement.ENFORCE, true, true,
                    List.of(CacheMode.NONE, CacheMode.DIRECTSYNC, CacheMode.WRITETHROUGH), false, true, List.of());
            default -> throw new IllegalArgumentException("no policy variant " + variant);
        };
    }

    private static Policy with(Enforcement enforcement, boolean requireShared, boolean checkCache,
            List<CacheMode> safeModes, boolean dropCache, boolean allowOverride, List<String> protocols) {
        return new Policy(enforcement, requireShared, checkCache, safeModes, dropCache, allowOverride, protocols,
                List.of(
                        FilesystemDeclaration.of("/srv/gfs2", "gfs2", false, false, null),
                        FilesystemDeclaration.of("/srv/nfs", "nfs", false, false, null),
                        FilesystemDeclaration.of("/srv/moose", "moosefs", true, false, null),
                        FilesystemDeclaration.of("/srv/gpfs", "gpfs", false, true, null),
                        FilesystemDeclaration.of("/srv/moose-cluster", "moosefs", false, true, null),
                        FilesystemDeclaration.of("/srv/scoped", "ocfs2", false, false, List.of("kvm-a*")),
                        FilesystemDeclaration.of("/srv/nfs/gfs2-inside", "gfs2", false, false, null),
                        FilesystemDeclaration.of("/srv/gfs2/nfs-export", "nfs", false, false, null)),
                List.of(
                        PoolDeclaration.of("ceph-vms", StorageClass.NETWORK, null),
                        PoolDeclaration.of("gfs2-pool", StorageClass.CLUSTER, null),
                        PoolDeclaration.of("local-lvm", StorageClass.LOCAL, null),
                        PoolDeclaration.of("cluster-b-pool", StorageClass.CLUSTER, List.of("kvm-b*"))));
    }
}
