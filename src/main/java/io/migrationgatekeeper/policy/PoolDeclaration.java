package io.migrationgatekeeper.policy;

import java.util.List;

/** A libvirt storage pool the operator declares, so that {@code volume} disks in it can be classified. */
public record PoolDeclaration(String name, StorageClass storage, List<String> hosts) {

    public PoolDeclaration {
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
    }

    /** {@code pool ceph-vms declared network}: how operators find the entry. */
    public String describe() {
        return "pool " + name + " declared " + storage.value() + (hosts.isEmpty() ? "" : " for hosts " + String.join(", ", hosts));
    }

    /** @throws InvalidPolicyException naming {@code name}, {@code storage} or {@code hosts} */
    public static PoolDeclaration of(String name, StorageClass storage, List<String> hosts) {
        if (name == null || name.isBlank()) {
            throw new InvalidPolicyException("name", "is required");
        }
        if (storage == null || storage == StorageClass.OTHER) {
            throw new InvalidPolicyException("storage", "must be one of network, cluster, shared, local");
        }
        HostScope.of(hosts);
        return new PoolDeclaration(name, storage, hosts);
    }
}
