package io.migrationgatekeeper.domainxml;

import io.migrationgatekeeper.policy.Disk;
import io.migrationgatekeeper.policy.Domain;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * libvirt's reading of a domain ({@code virDomainDefParseXML} in {@code src/conf/domain_conf.c}), for what the rule
 * reads: the first {@code <name>} and {@code <uuid>}, the root's {@code type}, and the disks of every
 * {@code <devices>} element, in the order libvirt keeps them. A definition libvirt 9.0 refuses for any of these is refused here,
 * with libvirt's words.
 */
final class DomainDefinition {

    /** libvirt's {@code virDomainVirt} values; {@code parallels} is libvirt's alias for {@code vz}. */
    private static final List<String> VIRT_TYPES = List.of("none", "qemu", "kqemu", "kvm", "xen", "lxc", "uml",
            "openvz", "test", "vmware", "hyperv", "vbox", "phyp", "vz", "bhyve");

    private DomainDefinition() {}

    static Domain read(XmlNode root) {
        String type = virtType(root.attribute("type"));
        String name = name(root);
        String uuid = uuid(root.first("uuid"));
        DiskOrder order = new DiskOrder();
        int position = 0;
        for (XmlNode devices : root.all("devices")) {
            for (XmlNode element : devices.all("disk")) {
                Disk disk = DiskDefinition.read(element, ++position);
                XmlNode target = element.first("target");
                order.add(disk, target == null ? null : target.attribute("bus"));
            }
        }
        List<Disk> disks = order.disks();
        checkDuplicateTargets(disks);
        return new Domain(name, uuid, type, disks);
    }

    /**
     * libvirt requires the attribute; the gatekeeper lets it be absent, as the rule never reads it and hand-written
     * preflight requests often leave it out. A value that is there must be one of libvirt's.
     */
    private static String virtType(String type) {
        if (type == null) {
            return null;
        }
        if (type.isEmpty()) {
            throw invalid("missing domain type attribute");
        }
        if ("parallels".equals(type)) {
            return "vz";
        }
        if (!VIRT_TYPES.contains(type)) {
            throw invalid("invalid domain type " + type + " (libvirt's: " + String.join(", ", VIRT_TYPES) + ")");
        }
        return type;
    }

    /** {@code string(./name[1])}: libvirt keeps it as written, whitespace included. */
    private static String name(XmlNode root) {
        XmlNode element = root.first("name");
        String name = element == null ? null : element.text;
        if (name == null || name.isEmpty()) {
            throw invalid("missing name information (libvirt reads <name>, like every element, only when it is in"
                    + " no XML namespace)");
        }
        if (name.indexOf('\n') >= 0) {
            throw invalid("invalid char in name: a newline");
        }
        if (name.indexOf('/') >= 0) {
            throw invalid("name " + name + " cannot contain '/'");
        }
        return name;
    }

    /** libvirt's {@code virUUIDParse}: 32 hex digits, '-' or ' ' between pairs, whitespace around. */
    private static String uuid(XmlNode element) {
        String text = element == null ? null : element.text;
        if (text == null || text.isEmpty()) {
            return null; // libvirt generates one
        }
        StringBuilder hex = new StringBuilder(32);
        int i = 0;
        while (i < text.length() && isSpace(text.charAt(i))) {
            i++;
        }
        while (hex.length() < 32) {
            if (i >= text.length()) {
                throw invalid("malformed uuid element");
            }
            char c = text.charAt(i);
            if (c == '-' || c == ' ') {
                i++;
                continue;
            }
            if (i + 1 >= text.length() || !isHex(c) || !isHex(text.charAt(i + 1))) {
                throw invalid("malformed uuid element");
            }
            hex.append(c).append(text.charAt(i + 1));
            i += 2;
        }
        for (; i < text.length(); i++) {
            if (!isSpace(text.charAt(i))) {
                throw invalid("malformed uuid element");
            }
        }
        String h = hex.toString().toLowerCase(Locale.ROOT);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20)
                + "-" + h.substring(20);
    }

    /** {@code virDomainDefCheckDuplicateDiskInfo}: two disks may not share a target. */
    private static void checkDuplicateTargets(List<Disk> disks) {
        Map<String, Disk> byTarget = new HashMap<>();
        for (Disk disk : disks) {
            Disk earlier = byTarget.putIfAbsent(disk.target(), disk);
            if (earlier != null) {
                throw invalid("target '" + disk.target() + "' duplicated for disk sources '" + DiskDefinition.path(earlier)
                        + "' and '" + DiskDefinition.path(disk) + "'");
            }
        }
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    static DomainXmlException invalid(String message) {
        return new DomainXmlException(DomainXmlException.Kind.INVALID, message);
    }
}
