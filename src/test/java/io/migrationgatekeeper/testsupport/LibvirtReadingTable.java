package io.migrationgatekeeper.testsupport;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Loads {@code domainxml/libvirt-reading.xml}: how libvirt 9.0 reads domain XML, shared by three test layers. */
public final class LibvirtReadingTable {

    /** One expected disk, in the words of the API: {@code source} is {@code DiskSource.describe()}, "" when empty. */
    public record ExpectedDisk(String target, String bus, String type, String device, String source, String cache,
            boolean readonly, boolean shareable, boolean transientDisk) {}

    /**
     * @param refused   libvirt's words when it refuses the definition (the gatekeeper's, for hardening), else null
     * @param hardening libvirt accepts the definition but cannot read back its own XML of it; the gatekeeper refuses
     * @param decision the decision under the sample policy from kvm-a1, when the case states one
     */
    public record Case(String name, String row, String xml, List<ExpectedDisk> disks, String refused, String decision,
            String domainName, String uuid, boolean hardening, boolean libvirtHangs) {

        @Override
        public String toString() {
            return (row == null ? "" : "row " + row + ": ") + name;
        }
    }

    private static final List<Case> CASES = load();

    private LibvirtReadingTable() {}

    public static List<Case> all() {
        return CASES;
    }

    /** The minimal domain the {@code <devices>} cases are put in; the test driver accepts it. */
    public static String domainWith(String name, String devices) {
        return "<domain type='kvm'><name>" + name + "</name><memory>65536</memory>"
                + "<os><type arch='x86_64'>hvm</type></os><devices>" + devices + "</devices></domain>";
    }

    private static List<Case> load() {
        try (InputStream in = LibvirtReadingTable.class.getResourceAsStream("/domainxml/libvirt-reading.xml")) {
            var document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
            NodeList nodes = document.getElementsByTagName("case");
            List<Case> cases = new ArrayList<>();
            for (int i = 0; i < nodes.getLength(); i++) {
                Element c = (Element) nodes.item(i);
                String xml = text(c, "domain");
                if (xml == null) {
                    xml = domainWith("reading-" + (i + 1), text(c, "devices"));
                }
                List<ExpectedDisk> disks = new ArrayList<>();
                NodeList diskNodes = c.getElementsByTagName("disk");
                for (int d = 0; d < diskNodes.getLength(); d++) {
                    Element e = (Element) diskNodes.item(d);
                    List<String> flags = List.of(e.getAttribute("flags").split(" "));
                    disks.add(new ExpectedDisk(e.getAttribute("target"), e.getAttribute("bus"), e.getAttribute("type"),
                            e.getAttribute("device"), e.getAttribute("source"), e.getAttribute("cache"),
                            flags.contains("readonly"), flags.contains("shareable"), flags.contains("transient")));
                }
                cases.add(new Case(c.getAttribute("name"), attr(c, "row"), xml, List.copyOf(disks), text(c, "refused"),
                        attr(c, "decision"), attr(c, "domainName"), attr(c, "uuid"),
                        Boolean.parseBoolean(attr(c, "hardening")), Boolean.parseBoolean(attr(c, "libvirtHangs"))));
            }
            return List.copyOf(cases);
        } catch (Exception e) {
            throw new IllegalStateException("domainxml/libvirt-reading.xml cannot be read", e);
        }
    }

    private static String text(Element c, String child) {
        NodeList found = c.getElementsByTagName(child);
        return found.getLength() == 0 ? null : found.item(0).getTextContent();
    }

    private static String attr(Element e, String name) {
        return e.hasAttribute(name) ? e.getAttribute(name) : null;
    }
}
