package io.migrationgatekeeper.policy;

/**
 * What the host inventory knows about the source host that changes the verdict or the flags.
 *
 * @param dropsPageCache   the host's QEMU (≥ 4.0) drops the page cache on migration (step 11)
 * @param acceptsUnsafeFlag the host's libvirt knows {@code VIR_MIGRATE_UNSAFE} (libvirt ≥ 0.9.11); an older
 *                          one rejects the unknown flag, and has no safety check of its own to silence
 */
public record SourceHostFacts(boolean dropsPageCache, boolean acceptsUnsafeFlag) {

    /** No source host named: nothing is known, so nothing is assumed beyond what every current libvirt has. */
    public static final SourceHostFacts UNKNOWN = new SourceHostFacts(false, true);
}
