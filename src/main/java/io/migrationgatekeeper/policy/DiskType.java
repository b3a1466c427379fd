package io.migrationgatekeeper.policy;

import java.util.Arrays;
import java.util.Optional;

/** libvirt's {@code <disk type=…>}; a disk without the attribute is a {@link #FILE} disk, as in libvirt. */
public enum DiskType {
    FILE("file"),
    BLOCK("block"),
    DIR("dir"),
    NETWORK("network"),
    VOLUME("volume"),
    NVME("nvme"),
    VHOSTUSER("vhostuser"),
    VHOSTVDPA("vhostvdpa");

    private final String xmlValue;

    DiskType(String xmlValue) {
        this.xmlValue = xmlValue;
    }

    public String xmlValue() {
        return xmlValue;
    }

    public static Optional<DiskType> fromXml(String value) {
        return Arrays.stream(values()).filter(type -> type.xmlValue.equals(value)).findFirst();
    }

    public static String allowedValues() {
        return String.join(", ", Arrays.stream(values()).map(DiskType::xmlValue).toList());
    }
}
