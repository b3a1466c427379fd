package io.migrationgatekeeper.policy;

/** Why a disk got its verdict: one code per step of the specification's per-disk table. */
public enum ReasonCode {
    /** The migration is offline: libvirt skips the disk checks, and so does the gatekeeper. */
    OFFLINE_MIGRATION(Verdict.SAFE),
    TRANSIENT_DISK(Verdict.BLOCKED),
    STORAGE_MIGRATED(Verdict.SAFE),
    EMPTY(Verdict.SAFE),
    READONLY(Verdict.SAFE),
    NETWORK_STORAGE(Verdict.SAFE),
    CLUSTER_FS(Verdict.SAFE),
    STORAGE_NOT_SHARED(Verdict.UNSAFE),
    SHAREABLE(Verdict.SAFE),
    CACHE_CHECK_DISABLED(Verdict.SAFE),
    SAFE_CACHE_MODE(Verdict.SAFE),
    DROP_CACHE(Verdict.SAFE),
    CACHE_MODE_UNSAFE(Verdict.UNSAFE);

    private final Verdict verdict;

    ReasonCode(Verdict verdict) {
        this.verdict = verdict;
    }

    public Verdict verdict() {
        return verdict;
    }
}
