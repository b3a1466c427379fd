package io.migrationgatekeeper.policy;

/**
 * The rule's answer for one disk.
 *
 * @param classification null when an earlier step decided before the storage was looked at
 * @param message        why, in libvirt's own words where libvirt has them
 * @param remedy         what would make the disk safe; null for safe disks
 */
public record DiskVerdict(Disk disk, Classification classification, ReasonCode reason, String message, String remedy) {

    public Verdict verdict() {
        return reason.verdict();
    }
}
