package io.migrationgatekeeper.policy;

import java.util.List;

/** A libvirt domain as the rule sees it: its identity and its disks, in libvirt's order (as virsh dumpxml lists them). */
public record Domain(String name, String uuid, String type, List<Disk> disks) {

    public Domain {
        disks = List.copyOf(disks);
    }
}
