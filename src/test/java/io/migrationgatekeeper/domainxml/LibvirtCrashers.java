package io.migrationgatekeeper.domainxml;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;

/**
 * Domain XML that crashes libvirt 9.0's parser or keeps it busy for minutes (found by the differential test and
 * fuzzing): never given to the in-process test driver, which would take the JVM down or hang it. Recognised as
 * libvirt reads XML (first child element of a kind in no namespace, attributes by local name in document order),
 * with a StAX reader of its own rather than the parser under test; a DOM would not do, as it does not keep the
 * order of attributes.
 */
final class LibvirtCrashers {

    private static final XMLInputFactory FACTORY = XMLInputFactory.newDefaultFactory();

    static {
        FACTORY.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    }

    /** An element's attributes in document order, local name and value. */
    private record Element(List<String[]> attributes) {

        String attribute(String localName) {
            for (String[] a : attributes) {
                if (a[0].equals(localName)) {
                    return a[1];
                }
            }
            return null;
        }
    }

    /** A disk's attributes and those of its first source, target and address. */
    private record Disk(Element disk, Element source, Element target, Element address) {}

    private LibvirtCrashers() {}

    /** @return a description of the crash or hang this document would cause, or null */
    static String match(String xml) {
        List<Disk> disks;
        try {
            disks = disks(xml);
        } catch (Exception notXml) {
            return null;
        }
        for (Disk disk : disks) {
            String hang = hang(disk);
            if (hang != null) {
                return hang;
            }
            // <disk type='network'><source protocol='iscsi' name=''>: the empty name is dropped, then
            // virDomainPostParseCheckISCSIPath calls strchr() on it (SIGSEGV).
            if (disk.source() != null && "network".equals(disk.disk().attribute("type"))
                    && "iscsi".equals(disk.source().attribute("protocol"))
                    && "".equals(disk.source().attribute("name"))) {
                return "libvirt 9.0 crashes (SIGSEGV in virDomainPostParseCheckISCSIPath): iSCSI source with an"
                        + " empty name";
            }
        }
        return null;
    }

    /**
     * A disk on a controller above {@link DiskDefinition#MAX_CONTROLLER}: libvirt adds every controller up to it (a
     * target {@code sdzzzz} kept the fuzzer's test driver busy for over 20 minutes).
     */
    private static String hang(Disk disk) {
        String dev = disk.target() == null ? null : disk.target().attribute("dev");
        if (dev == null) {
            return null;
        }
        String bus = disk.target().attribute("bus");
        if (bus == null) {
            bus = "floppy".equals(disk.disk().attribute("device")) ? "fdc" : dev.startsWith("hd") ? "ide"
                    : dev.startsWith("sd") ? "scsi" : "other";
        }
        long controller = 0;
        if (disk.address() == null) {
            int perController = switch (bus) {
                case "fdc" -> 2;
                case "ide" -> 4;
                case "sata" -> 6;
                case "scsi" -> 7;
                default -> 0;
            };
            controller = perController == 0 ? 0 : DiskTargets.index(dev) / perController;
        } else if ("drive".equals(disk.address().attribute("type"))) {
            String value = disk.address().attribute("controller");
            if (value != null && value.matches("[0-9]{1,18}")) {
                controller = Long.parseLong(value);
            }
        }
        return controller > DiskDefinition.MAX_CONTROLLER
                ? "libvirt 9.0 would add " + controller + " controllers one by one (minutes to hours): not run" : null;
    }

    private static List<Disk> disks(String xml) throws Exception {
        XMLStreamReader r = FACTORY.createXMLStreamReader(new StringReader(xml));
        List<Disk> disks = new ArrayList<>();
        int depth = 0;
        boolean inDevices = false;
        Element disk = null;
        Element source = null;
        Element target = null;
        Element address = null;
        while (r.hasNext()) {
            int event = r.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                depth++;
                boolean plain = r.getNamespaceURI() == null || r.getNamespaceURI().isEmpty();
                String name = r.getLocalName();
                if (depth == 2 && plain && name.equals("devices")) {
                    inDevices = true;
                } else if (depth == 3 && inDevices && plain && name.equals("disk")) {
                    disk = element(r);
                    source = target = address = null;
                } else if (depth == 4 && disk != null && plain) {
                    switch (name) {
                        case "source" -> source = source == null ? element(r) : source;
                        case "target" -> target = target == null ? element(r) : target;
                        case "address" -> address = address == null ? element(r) : address;
                        default -> {
                        }
                    }
                }
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                if (depth == 3 && disk != null) {
                    disks.add(new Disk(disk, source, target, address));
                    disk = null;
                } else if (depth == 2) {
                    inDevices = false;
                }
                depth--;
            }
        }
        return disks;
    }

    private static Element element(XMLStreamReader r) {
        List<String[]> attributes = new ArrayList<>();
        for (int i = 0; i < r.getAttributeCount(); i++) {
            attributes.add(new String[] {r.getAttributeLocalName(i), r.getAttributeValue(i)});
        }
        return new Element(attributes);
    }
}
