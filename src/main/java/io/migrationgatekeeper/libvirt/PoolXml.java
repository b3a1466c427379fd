package io.migrationgatekeeper.libvirt;

import io.migrationgatekeeper.policy.DiscoveredPool;
import java.io.StringReader;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads the parts of a storage pool's XML ({@code virStoragePoolGetXMLDesc}) that classify it: its type, its
 * source format and its target path. Hardened as domain XML is: no DTD, no entity, no external resource, bounded
 * size and depth (a host is not trusted to send sane XML). libvirt writes the first element of a kind.
 */
final class PoolXml {

    static final int MAX_CHARS = 1 << 20;
    private static final int MAX_DEPTH = 32;
    private static final XMLInputFactory FACTORY = factory();

    private PoolXml() {}

    private static XMLInputFactory factory() {
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
            throw new XMLStreamException("external resources are never read (" + systemId + ")");
        });
        return f;
    }

    /** An element's text; an entity reference in it (never written by libvirt) is refused, not expanded. */
    private static String text(XMLStreamReader reader) throws XMLStreamException {
        StringBuilder text = new StringBuilder();
        while (true) {
            int event = reader.next();
            switch (event) {
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE ->
                        text.append(reader.getText());
                case XMLStreamConstants.END_ELEMENT -> {
                    return text.toString().strip();
                }
                case XMLStreamConstants.COMMENT, XMLStreamConstants.PROCESSING_INSTRUCTION -> {
                }
                default -> throw new IllegalArgumentException("unexpected content in a text element of the pool XML"
                        + " (an entity reference or an element; StAX event " + event + ")");
            }
        }
    }

    /** @throws IllegalArgumentException naming what is wrong with the XML */
    static DiscoveredPool parse(String xml) {
        if (xml == null || xml.isBlank()) {
            throw new IllegalArgumentException("the pool XML is empty");
        }
        if (xml.length() > MAX_CHARS) {
            throw new IllegalArgumentException("the pool XML is larger than " + MAX_CHARS + " characters");
        }
        String type = null;
        String name = null;
        String format = null;
        String path = null;
        XMLStreamReader reader = null;
        try {
            reader = FACTORY.createXMLStreamReader(new StringReader(xml));
            String[] stack = new String[MAX_DEPTH];
            int depth = 0;
            while (reader.hasNext()) {
                int event = reader.next();
                if (event == XMLStreamConstants.DTD || event == XMLStreamConstants.ENTITY_REFERENCE) {
                    throw new IllegalArgumentException("pool XML with a DTD or entities is refused");
                }
                if (event == XMLStreamConstants.START_ELEMENT) {
                    if (depth == MAX_DEPTH) {
                        throw new IllegalArgumentException("pool XML nests deeper than " + MAX_DEPTH);
                    }
                    String element = reader.getLocalName();
                    stack[depth++] = element;
                    if (depth == 1) {
                        if (!element.equals("pool")) {
                            throw new IllegalArgumentException("not a pool XML: <" + element + ">");
                        }
                        type = reader.getAttributeValue(null, "type");
                    } else if (depth == 2 && element.equals("name") && name == null) {
                        name = text(reader);
                        depth--;
                    } else if (depth == 3 && element.equals("format") && "source".equals(stack[1]) && format == null) {
                        format = reader.getAttributeValue(null, "type");
                    } else if (depth == 3 && element.equals("path") && "target".equals(stack[1]) && path == null) {
                        path = text(reader);
                        depth--;
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                }
            }
        } catch (XMLStreamException e) {
            throw new IllegalArgumentException("malformed pool XML: " + e.getMessage(), e);
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (XMLStreamException ignored) {
                    // nothing held
                }
            }
        }
        if (type == null || name == null || name.isEmpty()) {
            throw new IllegalArgumentException("the pool XML has no type or no name");
        }
        return new DiscoveredPool(name, type, format, path);
    }
}
