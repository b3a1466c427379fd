package io.migrationgatekeeper.policy;

import java.util.Arrays;
import java.util.Optional;

/** libvirt's {@code <disk device=…>}; absent means {@link #DISK}. */
public enum DiskDevice {
    DISK("disk"),
    CDROM("cdrom"),
    FLOPPY("floppy"),
    LUN("lun");

    private final String xmlValue;

    DiskDevice(String xmlValue) {
        this.xmlValue = xmlValue;
    }

    public String xmlValue() {
        return xmlValue;
    }

    public static Optional<DiskDevice> fromXml(String value) {
        return Arrays.stream(values()).filter(device -> device.xmlValue.equals(value)).findFirst();
    }

    public static String allowedValues() {
        return String.join(", ", Arrays.stream(values()).map(DiskDevice::xmlValue).toList());
    }
}
