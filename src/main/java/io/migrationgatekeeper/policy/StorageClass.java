package io.migrationgatekeeper.policy;

import java.util.Locale;

/** Where a disk's storage sits, as far as migration safety is concerned. */
public enum StorageClass {
    /** Reached over the network by QEMU itself (rbd, iscsi, …): both hosts see the same data. */
    NETWORK,
    /** A coherent cluster filesystem: safe whatever the cache mode. */
    CLUSTER,
    /** Shared but not coherent (NFS, …): safe only when the host page cache is bypassed or dropped. */
    SHARED,
    /** Only the source host sees it. */
    LOCAL,
    /** Not known to be local nor safe by itself (block devices, undeclared pools, …): the cache rule decides. */
    OTHER;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
