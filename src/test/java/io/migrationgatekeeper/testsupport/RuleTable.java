package io.migrationgatekeeper.testsupport;

import java.io.InputStream;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** Loads the rule table shared by the rule's unit tests and the HTTP tests. */
public final class RuleTable {

    private static final List<RuleCase> CASES = load();

    private RuleTable() {}

    public static List<RuleCase> all() {
        return CASES;
    }

    public static List<RuleCase> forPolicy(String policy) {
        return CASES.stream().filter(c -> c.policy().equals(policy)).toList();
    }

    private static List<RuleCase> load() {
        try (InputStream in = RuleTable.class.getResourceAsStream("/rules/rule-table.xml")) {
            var document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
            Transformer serializer = TransformerFactory.newInstance().newTransformer();
            serializer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            NodeList nodes = document.getElementsByTagName("case");
            List<RuleCase> cases = new ArrayList<>();
            for (int i = 0; i < nodes.getLength(); i++) {
                Element c = (Element) nodes.item(i);
                StringBuilder xml = new StringBuilder("<domain type='kvm'><name>case-" + (i + 1)
                        + "</name><uuid>00000000-0000-0000-0000-" + String.format("%012d", i + 1) + "</uuid><devices>");
                for (Node child = c.getFirstChild(); child != null; child = child.getNextSibling()) {
                    if (child instanceof Element disk) {
                        StringWriter out = new StringWriter();
                        serializer.transform(new DOMSource(disk), new StreamResult(out));
                        xml.append(out);
                    }
                }
                xml.append("</devices></domain>");
                String decision = c.getAttribute("decision");
                List<String> reasons = words(c.getAttribute("reasons"));
                Set<String> unsafe = Set.of("STORAGE_NOT_SHARED", "CACHE_MODE_UNSAFE", "TRANSIENT_DISK");
                cases.add(new RuleCase(
                        c.getAttribute("name"),
                        attr(c, "policy", "sample"),
                        xml.toString(),
                        attr(c, "sourceHost", null),
                        attr(c, "targetHost", null),
                        attr(c, "storageMigration", "none"),
                        c.hasAttribute("migrateDisks") ? List.of(c.getAttribute("migrateDisks").split(",")) : null,
                        Boolean.parseBoolean(attr(c, "offline", "false")),
                        attr(c, "unsafeReason", null),
                        decision,
                        attr(c, "ruleDecision", decision),
                        reasons,
                        Boolean.parseBoolean(c.getAttribute("unsafeFlag")),
                        Set.copyOf(words(c.getAttribute("warnings"))),
                        c.hasAttribute("flags") ? Integer.valueOf(c.getAttribute("flags")) : null,
                        // Where the case does not say, libvirt agrees with the rule disk for disk.
                        c.hasAttribute("libvirt") ? words(c.getAttribute("libvirt")) : reasons,
                        c.hasAttribute("violations") ? words(c.getAttribute("violations"))
                                : reasons.stream().filter(unsafe::contains).toList()));
            }
            return List.copyOf(cases);
        } catch (Exception e) {
            throw new IllegalStateException("rules/rule-table.xml cannot be read", e);
        }
    }

    private static String attr(Element e, String name, String fallback) {
        return e.hasAttribute(name) ? e.getAttribute(name) : fallback;
    }

    private static List<String> words(String text) {
        return text.isBlank() ? List.of() : Arrays.asList(text.trim().split("\\s+"));
    }
}
