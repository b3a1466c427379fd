package io.migrationgatekeeper.domainxml;

import java.util.ArrayList;
import java.util.List;

/**
 * One element as libvirt's parser sees it. Attributes are found by local name whatever their namespace, the first
 * in document order winning (libxml2's {@code xmlGetProp}, behind libvirt's {@code virXMLPropString}); children
 * are the kept elements in no namespace (an XPath step such as {@code ./source} matches no other), in document order.
 */
final class XmlNode {

    private static final String[] NO_ATTRIBUTES = {};

    final String name;
    /** Local name and value pairs, in document order. */
    private final String[] attributes;
    private final List<XmlNode> children;
    /** The element's XPath string value (all descendant text), when its shape asks for it. */
    final String text;

    XmlNode(String name, String[] attributes, List<XmlNode> children, String text) {
        this.name = name;
        this.attributes = attributes == null ? NO_ATTRIBUTES : attributes;
        this.children = children == null ? List.of() : children;
        this.text = text;
    }

    /** The first attribute with this local name, in any namespace; null when there is none. */
    String attribute(String localName) {
        for (int i = 0; i < attributes.length; i += 2) {
            if (attributes[i].equals(localName)) {
                return attributes[i + 1];
            }
        }
        return null;
    }

    /** libvirt's {@code virXPathNode("./name", ctxt)}: the first such child, or null. */
    XmlNode first(String childName) {
        for (XmlNode child : children) {
            if (child.name.equals(childName)) {
                return child;
            }
        }
        return null;
    }

    /** libvirt's {@code virXPathNodeSet("./name", ctxt)}: every such child, in document order. */
    List<XmlNode> all(String childName) {
        List<XmlNode> found = new ArrayList<>();
        for (XmlNode child : children) {
            if (child.name.equals(childName)) {
                found.add(child);
            }
        }
        return found;
    }
}
