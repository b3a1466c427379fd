package io.migrationgatekeeper.domainxml;

import java.io.StringReader;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;

/**
 * Domain XML that crashes libvirt 9.0's parser (found by the differential test): never given to the in-process
 * test driver, which would take the JVM down with it. Recognised as libvirt reads XML, so that nothing else is.
 */
final class LibvirtCrashers {

    private static final DocumentBuilderFactory FACTORY = DocumentBuilderFactory.newInstance();

    static {
        FACTORY.setNamespaceAware(true);
    }

    private LibvirtCrashers() {}

    /** @return a description of the crash this document would cause, or null */
    static String match(String xml) {
        Element root;
        try {
            FACTORY.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            var builder = FACTORY.newDocumentBuilder();
            builder.setErrorHandler(new org.xml.sax.helpers.DefaultHandler()); // not to stderr
            root = builder.parse(new InputSource(new StringReader(xml))).getDocumentElement();
        } catch (Exception notXml) {
            return null;
        }
        for (Element devices : children(root, "devices")) {
            for (Element disk : children(devices, "disk")) {
                Element source = first(disk, "source");
                // <disk type='network'><source protocol='iscsi' name=''>: the empty name is dropped, then
                // virDomainPostParseCheckISCSIPath calls strchr() on it (SIGSEGV).
                String hang = hang(disk);
                if (hang != null) {
                    return hang;
                }
                if (source != null && "network".equals(attribute(disk, "type"))
                        && "iscsi".equals(attribute(source, "protocol")) && "".equals(attribute(source, "name"))) {
                    return "libvirt 9.0 crashes (SIGSEGV in virDomainPostParseCheckISCSIPath): iSCSI source with an"
                            + " empty name";
                }
            }
        }
        return null;
    }

    /**
     * A disk on a controller above {@link DiskDefinition#MAX_CONTROLLER}: libvirt adds every controller up to it (a
     * target {@code sdzzzz} kept the fuzzer's test driver busy for over 20 minutes).
     */
    private static String hang(Element disk) {
        Element target = first(disk, "target");
        String dev = target == null ? null : attribute(target, "dev");
        if (dev == null) {
            return null;
        }
        String bus = attribute(target, "bus");
        if (bus == null) {
            bus = "floppy".equals(attribute(disk, "device")) ? "fdc" : dev.startsWith("hd") ? "ide"
                    : dev.startsWith("sd") ? "scsi" : "other";
        }
        Element address = first(disk, "address");
        long controller = 0;
        if (address == null) {
            int perController = switch (bus) {
                case "fdc" -> 2;
                case "ide" -> 4;
                case "sata" -> 6;
                case "scsi" -> 7;
                default -> 0;
            };
            controller = perController == 0 ? 0 : DiskTargets.index(dev) / perController;
        } else if ("drive".equals(attribute(address, "type"))) {
            String value = attribute(address, "controller");
            if (value != null && value.matches("[0-9]{1,18}")) {
                controller = Long.parseLong(value);
            }
        }
        return controller > DiskDefinition.MAX_CONTROLLER
                ? "libvirt 9.0 would add " + controller + " controllers one by one (minutes to hours): not run" : null;
    }

    private static java.util.List<Element> children(Element parent, String name) {
        java.util.List<Element> found = new java.util.ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getNamespaceURI() == null && name.equals(e.getLocalName())) {
                found.add(e);
            }
        }
        return found;
    }

    private static Element first(Element parent, String name) {
        var found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    /** libxml2's xmlGetProp: the first attribute with this local name, in any namespace. */
    private static String attribute(Element e, String localName) {
        NamedNodeMap attributes = e.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Node a = attributes.item(i);
            String name = a.getLocalName() != null ? a.getLocalName() : a.getNodeName();
            if (name.equals(localName) && !"http://www.w3.org/2000/xmlns/".equals(a.getNamespaceURI())) {
                return a.getNodeValue();
            }
        }
        return null;
    }
}
