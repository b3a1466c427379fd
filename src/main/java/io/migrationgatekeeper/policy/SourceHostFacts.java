package io.migrationgatekeeper.policy;

import java.util.List;

/**
 * What the host inventory and the host's libvirtd say about the source host that changes the verdict, the
 * prediction of libvirt's own check, or the flags.
 *
 * @param dropsPageCache     the host's QEMU (≥ 4.0) drops the page cache on migration (step 11), as declared or
 *                           detected
 * @param libvirtSeesDropCache libvirt itself knows it ({@code qemu-drop-cache: auto}, detected from the host): its
 *                           own check then skips the cache rule too. A host forced {@code true} by configuration
 *                           is not assumed to be seen the same way by libvirt
 * @param acceptsUnsafeFlag  the host's libvirt knows {@code VIR_MIGRATE_UNSAFE} (libvirt ≥ 0.9.11); an older one
 *                           rejects the unknown flag, and has no safety check of its own to silence
 * @param pools              the storage pools the host's libvirtd reported; empty when not known
 */
public record SourceHostFacts(boolean dropsPageCache, boolean libvirtSeesDropCache, boolean acceptsUnsafeFlag,
        List<DiscoveredPool> pools) {

    /** No source host named: nothing is known, so nothing is assumed beyond what every current libvirt has. */
    public static final SourceHostFacts UNKNOWN = new SourceHostFacts(false, false, true, List.of());

    public SourceHostFacts {
        pools = pools == null ? List.of() : List.copyOf(pools);
    }

    /** A host whose drop-cache is declared (not detected) and whose pools are not known. */
    public SourceHostFacts(boolean dropsPageCache, boolean acceptsUnsafeFlag) {
        this(dropsPageCache, false, acceptsUnsafeFlag, List.of());
    }
}
