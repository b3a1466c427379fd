package io.migrationgatekeeper.domainxml;

import io.migrationgatekeeper.policy.DiskSource;
import java.util.function.Function;

/** The {@code <source>} of an {@code nvme} disk as libvirt reads it ({@code virDomainDiskSourceNVMeParse}). */
final class NvmeSource {

    private NvmeSource() {}

    static DiskSource read(XmlNode source, Function<String, DomainXmlException> invalid) {
        String type = source.attribute("type");
        if (type == null) {
            throw invalid.apply("Missing required attribute 'type' in element 'source'");
        }
        if (!"pci".equals(type)) {
            throw invalid.apply("unsupported source type '" + type + "'");
        }
        String namespace = source.attribute("namespace");
        if (namespace == null) {
            throw invalid.apply("missing 'namespace' attribute to disk source");
        }
        long ns = unsigned(namespace, 10, Long.MAX_VALUE);
        if (ns < 0) {
            throw invalid.apply("malformed namespace '" + namespace + "'");
        }
        XmlNode address = source.first("address");
        if (address == null) {
            throw invalid.apply("NVMe disk source is missing address");
        }
        long domain = pciPart(address, "domain", 0xFFFF, invalid);
        long bus = pciPart(address, "bus", 0xFF, invalid);
        long slot = pciPart(address, "slot", 0x1F, invalid);
        long function = pciPart(address, "function", 7, invalid);
        return DiskSource.ofNvme(String.format("nvme:%04x:%02x:%02x.%x/ns%d", domain, bus, slot, function, ns));
    }

    /** {@code virPCIDeviceAddressParseXML}: numbers in C notation (0x hex, leading 0 octal), within PCI's ranges. */
    private static long pciPart(XmlNode address, String attribute, long max,
            Function<String, DomainXmlException> invalid) {
        String value = address.attribute(attribute);
        if (value == null) {
            return 0;
        }
        long parsed = value.startsWith("0x") || value.startsWith("0X") ? unsigned(value.substring(2), 16, 0xFFFFFFFFL)
                : value.length() > 1 && value.startsWith("0") ? unsigned(value.substring(1), 8, 0xFFFFFFFFL)
                : unsigned(value, 10, 0xFFFFFFFFL);
        if (parsed < 0) {
            throw invalid.apply("Invalid value for attribute '" + attribute + "' in element 'address': '" + value
                    + "'. Expected non-negative integer value");
        }
        if (parsed > max) {
            throw invalid.apply("Invalid PCI address " + attribute + "='0x" + Long.toHexString(parsed)
                    + "', must be <= 0x" + Long.toHexString(max).toUpperCase(java.util.Locale.ROOT));
        }
        return parsed;
    }

    /** A non-negative number in {@code radix} up to {@code max}, or -1. */
    private static long unsigned(String digits, int radix, long max) {
        if (digits.isEmpty() || digits.length() > 20 || !digits.chars().allMatch(c -> Character.digit(c, radix) >= 0)) {
            return -1;
        }
        try {
            long value = Long.parseLong(digits, radix);
            return value < 0 || value > max ? -1 : value;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
