package io.migrationgatekeeper.policy;

/**
 * The rule's answer for one disk, and libvirt's own, as predicted.
 *
 * @param classification null when an earlier step decided before the storage was looked at
 * @param message        why, in libvirt's own words where libvirt has them
 * @param remedy         what would make the disk safe; null for safe disks
 * @param libvirt        what libvirt's own check would say about the disk without {@code VIR_MIGRATE_UNSAFE}
 */
public record DiskVerdict(Disk disk, Classification classification, ReasonCode reason, String message, String remedy,
        LibvirtVerdict libvirt) {

    DiskVerdict(Disk disk, Classification classification, ReasonCode reason, String message, String remedy) {
        this(disk, classification, reason, message, remedy, null);
    }

    DiskVerdict withLibvirt(LibvirtVerdict predicted) {
        return new DiskVerdict(disk, classification, reason, message, remedy, predicted);
    }

    public Verdict verdict() {
        return reason.verdict();
    }
}
