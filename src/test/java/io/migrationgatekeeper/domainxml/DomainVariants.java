package io.migrationgatekeeper.domainxml;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * Domain XML for the differential test: every disk type × source form × cache mode × flags × device, and
 * mutations of real domains that attack how a reader picks what it reads (duplicated, reordered, namespaced and
 * dropped elements and attributes, unusual values, disks spread over several {@code <devices>}). Deterministic for
 * a seed.
 */
final class DomainVariants {

    static final String NS = "urn:example:f";

    private static final String[] TYPES = {"file", "block", "dir", "network", "volume", "nvme", "vhostuser"};
    private static final String[] DEVICES = {"disk", "cdrom", "floppy", "lun"};
    private static final String[] CACHES = {null, "default", "none", "writethrough", "writeback", "directsync",
            "unsafe"};
    private static final String[] FLAGS = {"readonly", "shareable", "transient"};
    private static final String[] PATHS = {"/var/lib/libvirt/images/a.qcow2", "/srv/gfs2/a.qcow2", "/srv/nfs/a.qcow2",
            "/srv/moose/a.img", "/srv/gpfs/a.img", "/srv/scoped/a.img", "/dev/mapper/lun1", "", "relative.img"};
    private static final String[][] VALUES = {
            {"type", "file", "block", "dir", "network", "volume", "nvme", "vhostuser", "none", "", "FILE", "vhostvdpa"},
            {"device", "disk", "cdrom", "floppy", "lun", "", "tape"},
            {"cache", "none", "writeback", "writethrough", "directsync", "unsafe", "default", "", "None", "bogus"},
            {"protocol", "rbd", "nbd", "iscsi", "gluster", "http", "none", "", "bogus", "RBD"},
            {"bus", "virtio", "scsi", "ide", "sata", "usb", "fdc", "xen", "sd", "uml", "none", "bogus"},
            {"dev", "vda", "vdb", "sda", "hdc", "fda", "xvda", "vda1", "vd", "foo", " vda", ""},
            {"file", "/var/lib/libvirt/images/b.img", "/srv/gfs2/b.img", "", "/srv//gfs2/../gfs2/c.img"},
            {"name", "pool/img", "", "vol/dir/file"},
            {"pool", "ceph-vms", "gfs2-pool", "local-lvm", "unknown-pool", ""},
            {"volume", "v1", ""}};

    private final Random random;
    private final DocumentBuilder builder;
    private final Transformer serializer;

    DomainVariants(long seed) {
        this.random = new Random(seed);
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            builder = factory.newDocumentBuilder();
            serializer = TransformerFactory.newInstance().newTransformer();
            serializer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every disk type × source form × device, with a random cache mode and flags, one disk per domain. */
    List<String> matrix() {
        List<String> domains = new ArrayList<>();
        int n = 0;
        for (String type : TYPES) {
            for (int form = 0; form < 5; form++) {
                for (String device : DEVICES) {
                    for (String cache : CACHES) {
                        StringBuilder disk = new StringBuilder("<disk type='" + type + "' device='" + device + "'>");
                        if (cache != null) {
                            disk.append("<driver name='qemu' cache='").append(cache).append("'/>");
                        }
                        disk.append(source(type, form));
                        String dev = switch (device) {
                            case "floppy" -> "fda";
                            case "cdrom" -> "hdc";
                            case "lun" -> "sda";
                            default -> "vda";
                        };
                        disk.append("<target dev='").append(dev).append("'/>");
                        for (String flag : FLAGS) {
                            if (random.nextInt(3) == 0) {
                                disk.append('<').append(flag).append("/>");
                            }
                        }
                        disk.append("</disk>");
                        domains.add(io.migrationgatekeeper.testsupport.LibvirtReadingTable.domainWith("matrix-" + ++n, disk.toString()));
                    }
                }
            }
        }
        return domains;
    }

    /** form 0: the type's own source; 1: none; 2: the wrong attribute; 3: empty attribute; 4: a namespaced one. */
    private String source(String type, int form) {
        String path = PATHS[random.nextInt(PATHS.length)];
        String attribute = switch (type) {
            case "file" -> "file";
            case "block" -> "dev";
            case "dir" -> "dir";
            default -> null;
        };
        return switch (form) {
            case 1 -> "";
            case 2 -> "<source " + (attribute == null || !"file".equals(attribute) ? "file" : "dev") + "='" + path
                    + "'/>";
            case 3 -> attribute == null ? "<source/>" : "<source " + attribute + "=''/>";
            case 4 -> attribute == null ? ownSource(type, path, "xmlns:f='" + NS + "' f:")
                    : "<source xmlns:f='" + NS + "' f:" + attribute + "='" + path + "'/>";
            default -> ownSource(type, path, "");
        };
    }

    private String ownSource(String type, String path, String prefix) {
        String first = prefix.isEmpty() ? "" : prefix.substring(0, prefix.indexOf(" f:") + 1);
        String p = prefix.isEmpty() ? "" : "f:";
        return switch (type) {
            case "file" -> "<source " + first + p + "file='" + path + "'/>";
            case "block" -> "<source " + first + p + "dev='" + path + "'/>";
            case "dir" -> "<source " + first + p + "dir='" + path + "'/>";
            case "network" -> "<source " + first + p + "protocol='" + pick("rbd", "nbd", "iscsi", "gluster", "http")
                    + "' name='pool/img'><host name='mon1' port='6789'/></source>";
            case "volume" -> "<source " + first + p + "pool='" + pick("ceph-vms", "gfs2-pool", "local-lvm", "x")
                    + "' volume='v1'/>";
            case "nvme" -> "<source " + first + p + "type='pci' managed='yes' namespace='1'>"
                    + "<address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source>";
            default -> "<source " + first + p + "type='unix' path='/tmp/vhost.sock'/>";
        };
    }

    /** {@code count} mutations of the given real domains, each of one to three steps. */
    List<String> mutations(List<String> bases, int count) {
        List<String> out = new ArrayList<>(count);
        while (out.size() < count) {
            String base = bases.get(random.nextInt(bases.size()));
            Document document;
            try {
                document = builder.parse(new InputSource(new StringReader(base)));
            } catch (Exception e) {
                continue; // not parseable by the JDK either: nothing to mutate
            }
            List<Element> disks = elements(document.getDocumentElement(), "disk");
            if (disks.isEmpty()) {
                addDisk(document);
                disks = elements(document.getDocumentElement(), "disk");
            }
            int steps = 1 + random.nextInt(3);
            for (int i = 0; i < steps; i++) {
                mutate(document, disks.get(random.nextInt(disks.size())), disks);
            }
            out.add(serialize(document));
        }
        return out;
    }

    /** The elements and attributes the rule reads: mutating anything else only tests libvirt's other checks. */
    private static final java.util.Map<String, List<String>> READ = java.util.Map.of(
            "disk", List.of("type", "device"),
            "source", List.of("file", "dev", "dir", "protocol", "name", "pool", "volume"),
            "target", List.of("dev", "bus"),
            "driver", List.of("cache"),
            "readonly", List.of(),
            "shareable", List.of(),
            "transient", List.of());

    private void mutate(Document document, Element disk, List<Element> disks) {
        List<Element> children = children(disk).stream().filter(e -> READ.containsKey(e.getLocalName())).toList();
        Element child = children.isEmpty() ? disk : children.get(random.nextInt(children.size()));
        switch (random.nextInt(10)) {
            case 0 -> { // a second element of the same kind, different, before or after
                Element copy = (Element) child.cloneNode(true);
                changeSomeAttribute(copy);
                child.getParentNode().insertBefore(copy, random.nextBoolean() ? child : child.getNextSibling());
            }
            case 1 -> { // a namespaced attribute with the same local name, before or after the plain one
                Attr plain = randomAttribute(random.nextBoolean() ? child : disk);
                if (plain != null && plain.getNamespaceURI() == null) {
                    Element owner = plain.getOwnerElement();
                    String prefix = random.nextBoolean() ? "a" : "z"; // serialised in name order: a: before, z: after
                    owner.setAttributeNS(NS, prefix + ":" + localName(plain), otherValue(localName(plain)));
                    if (random.nextInt(3) == 0) {
                        owner.removeAttributeNode(plain);
                    }
                }
            }
            case 2 -> { // the element moved into a namespace
                if (child != disk) {
                    Element moved = document.createElementNS(NS, "f:" + child.getLocalName());
                    copyInto(child, moved);
                    child.getParentNode().replaceChild(moved, child);
                }
            }
            case 3 -> { // an element dropped
                if (child != disk) {
                    child.getParentNode().removeChild(child);
                }
            }
            case 4 -> { // an attribute dropped
                Attr a = randomAttribute(random.nextBoolean() ? child : disk);
                if (a != null) {
                    a.getOwnerElement().removeAttributeNode(a);
                }
            }
            case 5 -> changeSomeAttribute(random.nextBoolean() ? child : disk);
            case 6 -> { // reordered
                if (child != disk) {
                    disk.removeChild(child);
                    disk.insertBefore(child, random.nextBoolean() ? disk.getFirstChild() : null);
                }
            }
            case 7 -> { // disks spread over a second <devices>, before or after the first
                Element devices = (Element) disk.getParentNode();
                Element second = document.createElementNS(devices.getNamespaceURI(), devices.getTagName());
                devices.getParentNode().insertBefore(second, random.nextBoolean() ? devices : devices.getNextSibling());
                second.appendChild(disk);
                if (random.nextBoolean()) { // and a namespaced one, which libvirt does not read
                    Element foreign = document.createElementNS(NS, "f:devices");
                    foreign.appendChild(disk.cloneNode(true));
                    devices.getParentNode().appendChild(foreign);
                }
            }
            case 8 -> { // another disk's target
                Element other = disks.get(random.nextInt(disks.size()));
                Element target = first(other, "target");
                Element mine = first(disk, "target");
                if (target != null && mine != null) {
                    mine.setAttributeNS(null, "dev", target.getAttribute("dev"));
                }
            }
            default -> addDisk(document);
        }
    }

    private void addDisk(Document document) {
        String xml = matrixDisk();
        try {
            Element disk = builder.parse(new InputSource(new StringReader(xml))).getDocumentElement();
            List<Element> devices = elements(document.getDocumentElement(), "devices");
            Element parent = devices.isEmpty() ? null : devices.get(random.nextInt(devices.size()));
            if (parent == null) {
                parent = document.createElementNS(null, "devices");
                document.getDocumentElement().appendChild(parent);
            }
            parent.appendChild(document.importNode(disk, true));
        } catch (Exception e) {
            throw new IllegalStateException(xml, e);
        }
    }

    private String matrixDisk() {
        String type = TYPES[random.nextInt(TYPES.length)];
        String device = random.nextInt(4) == 0 ? DEVICES[random.nextInt(DEVICES.length)] : "disk";
        String cache = CACHES[random.nextInt(CACHES.length)];
        String dev = pick("vdb", "vdc", "vdd", "sdb", "hdb", "fdb", "vdz", "xvdc");
        return "<disk xmlns:f='" + NS + "' type='" + type + "' device='" + device + "'>"
                + (cache == null ? "" : "<driver name='qemu' cache='" + cache + "'/>")
                + source(type, random.nextInt(8) < 5 ? 0 : random.nextInt(5))
                + "<target dev='" + dev + "'/>"
                + (random.nextInt(4) == 0 ? "<" + FLAGS[random.nextInt(FLAGS.length)] + "/>" : "")
                + "</disk>";
    }

    private void changeSomeAttribute(Element element) {
        Attr a = randomAttribute(element);
        List<String> read = READ.getOrDefault(element.getLocalName(), List.of());
        if (a == null && read.isEmpty()) {
            return;
        }
        String name = a != null ? localName(a) : read.get(random.nextInt(read.size()));
        if (a != null && a.getNamespaceURI() != null) {
            a.setValue(otherValue(name));
        } else {
            element.setAttributeNS(null, name, otherValue(name));
        }
    }

    private String otherValue(String attribute) {
        for (String[] values : VALUES) {
            if (values[0].equals(attribute)) {
                return values[1 + random.nextInt(values.length - 1)];
            }
        }
        return random.nextBoolean() ? "" : "x" + random.nextInt(3);
    }

    private Attr randomAttribute(Element element) {
        NamedNodeMap attributes = element.getAttributes();
        List<String> read = READ.getOrDefault(element.getLocalName(), List.of());
        List<Attr> candidates = new ArrayList<>();
        for (int i = 0; i < attributes.getLength(); i++) {
            Attr a = (Attr) attributes.item(i);
            if (!"http://www.w3.org/2000/xmlns/".equals(a.getNamespaceURI()) && read.contains(localName(a))) {
                candidates.add(a);
            }
        }
        return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
    }

    private static void copyInto(Element from, Element to) {
        NamedNodeMap attributes = from.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Attr a = (Attr) attributes.item(i);
            to.setAttributeNodeNS((Attr) a.cloneNode(true));
        }
        while (from.getFirstChild() != null) {
            to.appendChild(from.getFirstChild());
        }
    }

    private static String localName(Attr a) {
        return a.getLocalName() != null ? a.getLocalName() : a.getName();
    }

    private String pick(String... values) {
        return values[random.nextInt(values.length)];
    }

    private static List<Element> elements(Element root, String localName) {
        List<Element> found = new ArrayList<>();
        NodeList all = root.getElementsByTagNameNS("*", localName);
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            // Only <devices>/<disk> of the domain; <disk> also names elements inside e.g. <backingStore>.
            if ("disk".equals(localName) && !(e.getParentNode() instanceof Element p && "devices".equals(p.getLocalName()))) {
                continue;
            }
            found.add(e);
        }
        return found;
    }

    private static List<Element> children(Element parent) {
        List<Element> children = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                children.add(e);
            }
        }
        return children;
    }

    private static Element first(Element parent, String localName) {
        for (Element e : children(parent)) {
            if (localName.equals(e.getLocalName()) && e.getNamespaceURI() == null) {
                return e;
            }
        }
        return null;
    }

    private String serialize(Document document) {
        try {
            StringWriter out = new StringWriter();
            serializer.transform(new DOMSource(document), new StreamResult(out));
            return out.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
