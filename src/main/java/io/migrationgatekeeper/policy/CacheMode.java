package io.migrationgatekeeper.policy;

import java.util.Arrays;
import java.util.Optional;

/** libvirt's {@code <driver cache=…>} values; an absent attribute is {@link #DEFAULT}, which QEMU runs as writeback. */
public enum CacheMode {
    DEFAULT("default"),
    NONE("none"),
    WRITETHROUGH("writethrough"),
    WRITEBACK("writeback"),
    DIRECTSYNC("directsync"),
    UNSAFE("unsafe");

    private final String xmlValue;

    CacheMode(String xmlValue) {
        this.xmlValue = xmlValue;
    }

    public String xmlValue() {
        return xmlValue;
    }

    public static Optional<CacheMode> fromXml(String value) {
        return Arrays.stream(values()).filter(mode -> mode.xmlValue.equals(value)).findFirst();
    }

    public static String allowedValues() {
        return String.join(", ", Arrays.stream(values()).map(CacheMode::xmlValue).toList());
    }
}
