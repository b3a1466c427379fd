package io.migrationgatekeeper.domainxml;

import io.migrationgatekeeper.policy.CacheMode;
import io.migrationgatekeeper.policy.Disk;
import io.migrationgatekeeper.policy.DiskDevice;
import io.migrationgatekeeper.policy.DiskSource;
import io.migrationgatekeeper.policy.DiskType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * libvirt 9.0's reading of one {@code <disk>}: {@code virDomainDiskDefParseXML}, {@code
 * virDomainDiskDefParseSourceXML} and {@code virDomainStorageSourceParse} in {@code src/conf/domain_conf.c}, the
 * post-parse defaults ({@code virDomainDiskDefPostParse}) and the checks of {@code virDomainDiskDefValidate} that
 * concern what the rule reads. Each child ({@code <source>}, {@code <target>}, {@code <driver>}, the flags) is the
 * first of its kind; each attribute the first with its local name, in any namespace.
 */
final class DiskDefinition {

    private static final List<String> BUSES = List.of("ide", "fdc", "scsi", "virtio", "xen", "usb", "uml", "sata", "sd");
    private static final List<String> VOLUME_MODES = List.of("host", "direct");
    private static final List<String> HARDDISK_PREFIXES = List.of("hd", "sd", "vd", "xvd", "ubd");
    /** Disks per controller where libvirt gives a disk a drive address from its target index. */
    private static final Map<String, Integer> DRIVES_PER_CONTROLLER = Map.of("fdc", 2, "ide", 4, "sata", 6, "scsi", 7);
    /** The highest controller index accepted (see {@link #checkControllerIndex}). */
    static final long MAX_CONTROLLER = 4095;
    private static final Map<String, DiskType> TYPES = byXmlValue(DiskType.values(), DiskType::xmlValue);
    private static final Map<String, DiskDevice> DEVICES = byXmlValue(DiskDevice.values(), DiskDevice::xmlValue);
    private static final Map<String, CacheMode> CACHE_MODES = byXmlValue(CacheMode.values(), CacheMode::xmlValue);

    private final int position;

    private DiskDefinition(int position) {
        this.position = position;
    }

    static Disk read(XmlNode disk, int position) {
        return new DiskDefinition(position).read(disk);
    }

    private Disk read(XmlNode disk) {
        DiskType type = enumValue(disk, "type", DiskType.FILE, TYPES);
        DiskDevice device = enumValue(disk, "device", DiskDevice.DISK, DEVICES);
        XmlNode sourceElement = disk.first("source");
        DiskSource source = null;
        boolean empty;
        if (sourceElement == null) {
            // virDomainDiskDefParseSourceXML: without <source> the disk is an empty file disk, whatever its type.
            type = DiskType.FILE;
            empty = true;
        } else {
            source = source(type, sourceElement);
            // virStorageSourceIsEmpty: local storage without a path, or a network source of protocol none. A volume
            // without pool and volume is not empty to libvirt (the rule still finds no source in it).
            empty = source == null && type != DiskType.VOLUME;
        }

        XmlNode target = disk.first("target");
        String dev = target == null ? null : target.attribute("dev");
        String busValue = target == null ? null : target.attribute("bus");
        if (busValue != null && !BUSES.contains(busValue)) {
            throw invalid(invalidValue("bus", "target", busValue), "libvirt's values: " + String.join(", ", BUSES));
        }
        XmlNode driver = disk.first("driver");
        CacheMode cache = driver == null ? CacheMode.DEFAULT
                : enumValue(driver, "cache", CacheMode.DEFAULT, CACHE_MODES);
        // libvirt forces every CD-ROM read-only (virDomainDiskDefParseXML).
        boolean readonly = disk.first("readonly") != null || device == DiskDevice.CDROM;
        boolean shareable = disk.first("shareable") != null;
        boolean transientDisk = disk.first("transient") != null;

        if (dev == null) {
            String path = source == null ? null : source.path();
            throw invalid("missing target information for device" + (path == null ? "" : " " + path),
                    "a disk needs <target dev='…'/>");
        }
        for (int i = 0; i < dev.length(); i++) {
            char c = dev.charAt(i);
            // Found by fuzzing: libvirt 9.0 formats <target dev> unescaped (virDomainDiskDefFormat), so with one of
            // these a definition libvirt accepts comes back from it as different or broken XML, on migration too.
            if (c == '\'' || c == '<' || c == '&' || c < 0x20) {
                throw invalid("target dev '" + dev + "' has a character libvirt 9.0 writes back unescaped",
                        "its own XML of the domain would not read back the same (on a migration or a restart)");
            }
        }
        String bus = busValue != null ? busValue : defaultBus(dev, device);
        if (disk.first("address") == null && DiskTargets.index(dev) < 0) {
            throw invalid("Unknown disk name '" + dev + "' and no address specified",
                    "libvirt's disk names are hd, sd, vd, xvd, ubd or fd followed by letters, e.g. vda");
        }
        validate(type, device, source, empty, dev, bus);
        checkControllerIndex(disk.first("address"), dev, bus);
        Disk result = new Disk(dev, bus, type, device, cache, source, readonly, shareable, transientDisk);
        if (type == DiskType.VHOSTUSER) {
            validateVhostUser(result);
        }
        return result;
    }

    /** The checks of {@code virDomainDiskDefValidate} on type, device, target and source. */
    private void validate(DiskType type, DiskDevice device, DiskSource source, boolean empty, String dev, String bus) {
        if (device == DiskDevice.LUN) {
            if (type == DiskType.NETWORK && source != null && !"iscsi".equals(source.protocol())) {
                throw invalid("disk device='lun' is not supported for protocol='" + source.protocol() + "'", null);
            }
            if (type != DiskType.BLOCK && type != DiskType.VOLUME && type != DiskType.NETWORK) {
                throw invalid("disk device='lun' is only valid for block type disk source", null);
            }
        }
        if (device == DiskDevice.FLOPPY && !"fdc".equals(bus)) {
            throw invalid("Invalid bus type '" + bus + "' for floppy disk", null);
        }
        if (device != DiskDevice.FLOPPY && "fdc".equals(bus)) {
            throw invalid("Invalid bus type '" + bus + "' for disk", null);
        }
        if (device == DiskDevice.FLOPPY) {
            if (!dev.startsWith("fd")) {
                throw invalid("Invalid floppy device name: " + dev, null);
            }
        } else if (device != DiskDevice.CDROM && !hasHarddiskPrefix(dev)) {
            throw invalid("Invalid harddisk device name: " + dev, null);
        }
        // Only CD-ROMs, floppies and LUNs may be without media.
        if (device == DiskDevice.DISK && empty) {
            throw invalid("missing source information for device " + dev,
                    "a " + type.xmlValue() + " disk needs <source " + sourceAttribute(type) + "='…'/>");
        }
    }

    /**
     * Found by fuzzing: libvirt 9.0 adds every controller up to the one a disk is on, one at a time, each time
     * searching the controllers it has (virDomainDefAddImplicitDevices), so a target such as {@code sdzzzz} (on
     * controller 67,893) or a drive address on controller 100000 keeps libvirt busy for minutes to hours; on a
     * migration that is the target host's daemon. The gatekeeper refuses such a disk outright.
     */
    private void checkControllerIndex(XmlNode address, String dev, String bus) {
        long controller = 0;
        if (address == null) {
            Integer perController = DRIVES_PER_CONTROLLER.get(bus);
            if (perController != null) {
                controller = DiskTargets.index(dev) / perController;
            }
        } else if ("drive".equals(address.attribute("type"))) {
            String value = address.attribute("controller");
            if (value != null && !value.isEmpty() && value.length() < 19 && value.chars().allMatch(Character::isDigit)) {
                controller = Long.parseLong(value);
            }
        }
        if (controller > MAX_CONTROLLER) {
            throw invalid("the disk is on " + bus + " controller " + controller + ": libvirt 9.0 adds every controller"
                    + " up to it one by one, which keeps it busy for minutes or hours",
                    "controllers above " + MAX_CONTROLLER + " are refused; use a lower target name or address");
        }
    }

    private static boolean hasHarddiskPrefix(String dev) {
        for (String prefix : HARDDISK_PREFIXES) {
            if (dev.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** {@code virDomainDiskVhostUserValidate}, for what the rule reads: QEMU's vhost-user-blk takes none of it. */
    private void validateVhostUser(Disk disk) {
        if (!"virtio".equals(disk.bus())) {
            throw invalid("vhostuser disk supports only virtio bus", null);
        }
        if (disk.cache() != CacheMode.DEFAULT) {
            throw invalid("cache is not supported with vhostuser disk", null);
        }
        if (disk.readonly()) {
            throw invalid("readonly is not supported with vhostuser disk", null);
        }
        if (disk.shareable()) {
            throw invalid("shareable is not supported with vhostuser disk", null);
        }
        if (disk.transientDisk()) {
            throw invalid("transient disks are not supported with vhostuser disk", null);
        }
    }

    /** {@code virDomainStorageSourceParse}: the source in the form the disk type reads; null for an empty one. */
    private DiskSource source(DiskType type, XmlNode s) {
        return switch (type) {
            case FILE -> path(s.attribute("file"));
            case BLOCK, VHOSTVDPA -> path(s.attribute("dev"));
            case DIR -> path(s.attribute("dir"));
            case NETWORK -> NetworkSource.read(s, this::invalidSource);
            case VOLUME -> volume(s);
            case NVME -> NvmeSource.read(s, this::invalidSource);
            case VHOSTUSER -> vhostUser(s);
        };
    }

    /** libvirt drops an empty path ("a little compatibility check to help those broken apps"). */
    private static DiskSource path(String path) {
        return path == null || path.isEmpty() ? null : DiskSource.ofPath(path);
    }

    /** {@code virDomainDiskSourcePoolDefParse}. */
    private DiskSource volume(XmlNode s) {
        String pool = s.attribute("pool");
        String volume = s.attribute("volume");
        String mode = s.attribute("mode");
        if (mode != null && !VOLUME_MODES.contains(mode)) {
            throw invalid("unknown source mode '" + mode + "' for volume type disk", "libvirt's: host, direct");
        }
        if (pool == null && volume == null) {
            return null;
        }
        if (pool == null || volume == null) {
            throw invalid("'pool' and 'volume' must be specified together for 'pool' type source", null);
        }
        return DiskSource.ofVolume(pool, volume);
    }

    /** {@code virDomainDiskSourceVHostUserParse}. */
    private DiskSource vhostUser(XmlNode s) {
        String type = s.attribute("type");
        if (type == null) {
            throw invalid("Missing required attribute 'type' in element 'source'", null);
        }
        if (!"unix".equals(type)) {
            throw invalid(invalidValue("type", "source", type), "a vhostuser disk's source type is unix");
        }
        String path = s.attribute("path");
        if (path == null) {
            throw invalid("Missing required attribute 'path' in element 'source'", null);
        }
        return DiskSource.ofPath(path);
    }

    /** {@code virDomainDiskDefPostParse}: a floppy is on fdc; otherwise the target's prefix names the bus. */
    private static String defaultBus(String dev, DiskDevice device) {
        if (device == DiskDevice.FLOPPY) {
            return "fdc";
        }
        if (dev.startsWith("hd")) {
            return "ide";
        }
        if (dev.startsWith("sd")) {
            return "scsi";
        }
        if (dev.startsWith("vd")) {
            return "virtio";
        }
        if (dev.startsWith("xvd")) {
            return "xen";
        }
        if (dev.startsWith("ubd")) {
            return "uml";
        }
        return "ide";
    }

    private static String sourceAttribute(DiskType type) {
        return switch (type) {
            case FILE -> "file";
            case DIR -> "dir";
            default -> "dev";
        };
    }

    /** The path libvirt quotes for a disk in its messages ({@code src->path}, printed {@code <null>} when absent). */
    static String path(Disk disk) {
        DiskSource s = disk.source();
        if (s == null) {
            return "<null>";
        }
        if (s.path() != null) {
            return s.path();
        }
        return s.protocol() != null && s.name() != null ? s.name() : "<null>";
    }

    private <E> E enumValue(XmlNode element, String attribute, E absent, Map<String, E> values) {
        String value = element.attribute(attribute);
        if (value == null) {
            return absent;
        }
        E found = values.get(value);
        if (found == null) {
            throw invalid(invalidValue(attribute, element.name, value), "libvirt's values: "
                    + String.join(", ", values.keySet()));
        }
        return found;
    }

    private static <E> Map<String, E> byXmlValue(E[] values, Function<E, String> xmlValue) {
        Map<String, E> map = new LinkedHashMap<>();
        for (E value : values) {
            map.put(xmlValue.apply(value), value);
        }
        return java.util.Collections.unmodifiableMap(map);
    }

    /** libvirt's {@code virXMLPropEnum} message. */
    static String invalidValue(String attribute, String element, String value) {
        return "Invalid value for attribute '" + attribute + "' in element '" + element + "': '" + value + "'.";
    }

    private DomainXmlException invalidSource(String message) {
        return invalid(message, null);
    }

    /** libvirt's words first, then which disk and, where it helps, what libvirt accepts. */
    private DomainXmlException invalid(String libvirtMessage, String hint) {
        return DomainDefinition.invalid(libvirtMessage + " (disk #" + position + (hint == null ? "" : "; " + hint)
                + ")");
    }
}
