package io.migrationgatekeeper.domainxml;

import io.migrationgatekeeper.policy.Domain;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads libvirt domain XML into the rule's {@link Domain}, the way libvirt's own parser reads it (see
 * {@link DomainDefinition}). Hardened for untrusted input: no DTD, no entity of any kind, no external resource is
 * ever read, and the nesting depth is bounded. The body size is bounded by the caller, before the bytes reach this
 * class. One streaming pass: only the elements the rule reads are kept. Thread-safe.
 *
 * <p>Two StAX readers: the JDK's is the reference, and Aalto is a fast path for the documents where the two cannot
 * differ. Aalto reads a document only when every byte is ASCII (no encoding question, no byte-order mark) and the
 * declaration, if any, says XML 1.0 in UTF-8, US-ASCII or ISO-8859-1; it declines, and the JDK's reader reads the
 * document from the start, at the first event the JDK might treat differently (a DOCTYPE, an entity reference, a
 * name or an attribute count past the JDK's own limits) and at any error. So every refusal, and its wording, is
 * the JDK reader's, and the fast path only ever answers what the JDK reader would have
 * ({@code FastPathDifferentialTest}). It is four times cheaper on domain XML (README "Performance").
 */
public final class DomainXmlParser {

    /** Which children of an element are kept, and whether its text is; everything else is streamed past. */
    private record Shape(Map<String, Shape> keep, boolean text) {}

    private static final Shape LEAF = new Shape(Map.of(), false);
    private static final Shape TEXT = new Shape(Map.of(), true);
    private static final Shape SOURCE = new Shape(Map.of("host", LEAF, "address", LEAF), false);
    private static final Shape DISK = new Shape(Map.of("source", SOURCE, "target", LEAF, "driver", LEAF,
            "readonly", LEAF, "shareable", LEAF, "transient", LEAF, "address", LEAF), false);
    private static final Shape DEVICES = new Shape(Map.of("disk", DISK), false);
    private static final Shape DOMAIN = new Shape(Map.of("name", TEXT, "uuid", TEXT, "devices", DEVICES), false);

    private final XMLInputFactory factory;
    private final XMLInputFactory fast;
    private final int maxDepth;
    private final int maxDisks;

    public DomainXmlParser(int maxDepth) {
        this(maxDepth, Integer.MAX_VALUE);
    }

    /**
     * @param maxDisks more disks than this (counted as libvirt reads them: {@code <disk>} in every {@code <devices>})
     *                 is an invalid domain, refused at the first disk too many, so what one request costs is bounded
     *                 by configuration and not by the body limit alone
     */
    public DomainXmlParser(int maxDepth, int maxDisks) {
        if (maxDepth < 4) {
            throw new IllegalArgumentException("maxDepth must be at least 4 (domain/devices/disk/source)");
        }
        if (maxDisks < 1) {
            throw new IllegalArgumentException("maxDisks must be at least 1");
        }
        this.maxDepth = maxDepth;
        this.maxDisks = maxDisks;
        // The JDK's own StAX parser, whatever else is on the class path, so the settings below are known to hold.
        XMLInputFactory f = refusingEverythingExternal(XMLInputFactory.newDefaultFactory());
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        // JDK 24+ ships its own depth limit (jaxp.properties: 100); ours is configured and reported, so it must be
        // the one that trips.
        f.setProperty("jdk.xml.maxElementDepth", String.valueOf(maxDepth + 1));
        this.factory = f;
        // Aalto, with the same refusals; whatever it would do with a DTD or an entity, the fast path declines first.
        this.fast = refusingEverythingExternal(new com.fasterxml.aalto.stax.InputFactoryImpl());
    }

    /** Both readers' settings: no DTD, no entity of any kind, no external resource, namespaces as libvirt reads them. */
    private static XMLInputFactory refusingEverythingExternal(XMLInputFactory f) {
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        f.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
            throw new XMLStreamException("external resources are never read (" + systemId + ")");
        });
        return f;
    }

    /** @throws DomainXmlException when the bytes are not a domain XML the gatekeeper accepts */
    public Domain parse(byte[] xml) {
        return parse(xml, true);
    }

    /** What the JDK's reader alone makes of the document: the reference the fast path is tested against. */
    Domain parseWithJdk(byte[] xml) {
        return parse(xml, false);
    }

    private Domain parse(byte[] xml, boolean fastPath) {
        if (isBlank(xml)) {
            throw new DomainXmlException(DomainXmlException.Kind.INVALID,
                    "the request body is empty: send a libvirt domain XML (virsh dumpxml)");
        }
        XmlNode root = fastPath && FastPath.accepts(xml) ? readFast(xml) : null;
        return DomainDefinition.read(root != null ? root : readWithJdk(xml));
    }

    /** Whether the fast path reads the document (rather than declining it to the JDK's reader). */
    boolean readsFast(byte[] xml) {
        return !isBlank(xml) && FastPath.accepts(xml) && readFast(xml) != null;
    }

    /** The document's elements through Aalto, or null where the JDK's reader must decide (see the class comment). */
    private XmlNode readFast(byte[] xml) {
        XMLStreamReader reader = null;
        try {
            reader = new GuardedStreamReader(new FastPath(fast.createXMLStreamReader(new ByteArrayInputStream(xml))),
                    maxDepth);
            return new Reading(maxDisks).document(reader);
        } catch (XMLStreamException | RuntimeException declined) {
            return null;
        } finally {
            close(reader);
        }
    }

    private XmlNode readWithJdk(byte[] xml) {
        XmlNode root;
        XMLStreamReader reader = null;
        try {
            reader = new GuardedStreamReader(factory.createXMLStreamReader(new ByteArrayInputStream(xml)), maxDepth);
            root = new Reading(maxDisks).document(reader);
        } catch (XMLStreamException e) {
            throw new DomainXmlException(DomainXmlException.Kind.MALFORMED, "not well-formed XML: " + clean(e));
        } catch (DomainXmlException e) {
            throw e;
        } catch (RuntimeException e) {
            // The JDK's parser reports some malformed input (bad encodings, for one) unchecked.
            String message = e.getMessage() == null ? "the document could not be read" : plain(e.getMessage());
            throw new DomainXmlException(DomainXmlException.Kind.MALFORMED, "not well-formed XML: " + message);
        } finally {
            close(reader);
        }
        return root;
    }

    /** One document's reading: counts the disks it keeps. */
    private static final class Reading {

        private final int maxDisks;
        private int disks;

        Reading(int maxDisks) {
            this.maxDisks = maxDisks;
        }

        XmlNode document(XMLStreamReader reader) throws XMLStreamException {
            XmlNode root = null;
            while (reader.hasNext()) {
                if (reader.next() == XMLStreamConstants.START_ELEMENT) {
                    // The guard has checked that this is <domain>; a second root is a well-formedness error.
                    root = read(reader, DOMAIN, null);
                }
            }
            if (root == null) {
                throw new XMLStreamException("the document has no root element");
            }
            return root;
        }

        /** Reads the element the reader is on, up to and including its end tag. */
        private XmlNode read(XMLStreamReader reader, Shape shape, StringBuilder enclosingText)
                throws XMLStreamException {
            String name = reader.getLocalName();
            String[] attributes = attributes(reader);
            StringBuilder text = shape.text() ? new StringBuilder() : enclosingText;
            List<XmlNode> children = null;
            while (true) {
                switch (reader.next()) {
                    case XMLStreamConstants.START_ELEMENT -> {
                        Shape child = isNoNamespace(reader.getNamespaceURI())
                                ? shape.keep().get(reader.getLocalName()) : null;
                        if (child == null) {
                            skip(reader, text);
                        } else {
                            if (child == DISK && ++disks > maxDisks) {
                                throw new DomainXmlException(DomainXmlException.Kind.INVALID,
                                        "the domain has more than " + maxDisks + " disks (gatekeeper.preflight.max-disks)");
                            }
                            if (children == null) {
                                children = new ArrayList<>(4);
                            }
                            children.add(read(reader, child, text));
                        }
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        if (text != null) {
                            text.append(reader.getTextCharacters(), reader.getTextStart(), reader.getTextLength());
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        return new XmlNode(name, attributes, children, shape.text() ? text.toString() : null);
                    }
                    default -> {
                    }
                }
            }
        }
    }

    /** Streams past an element the rule does not read; its text still counts for an enclosing XPath string(). */
    private static void skip(XMLStreamReader reader, StringBuilder text) throws XMLStreamException {
        int open = 1;
        while (open > 0) {
            switch (reader.next()) {
                case XMLStreamConstants.START_ELEMENT -> open++;
                case XMLStreamConstants.END_ELEMENT -> open--;
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                    if (text != null) {
                        text.append(reader.getTextCharacters(), reader.getTextStart(), reader.getTextLength());
                    }
                }
                default -> {
                }
            }
        }
    }

    private static String[] attributes(XMLStreamReader reader) {
        int count = reader.getAttributeCount();
        if (count == 0) {
            return null;
        }
        String[] pairs = new String[count * 2];
        for (int i = 0; i < count; i++) {
            pairs[2 * i] = reader.getAttributeLocalName(i);
            pairs[2 * i + 1] = reader.getAttributeValue(i);
        }
        return pairs;
    }

    private static boolean isNoNamespace(String uri) {
        return uri == null || uri.isEmpty();
    }

    /** The JDK prefixes "ParseError at [row,col]:[r,c]\nMessage: "; keep the position, drop the noise. */
    private static String clean(XMLStreamException e) {
        String message = e.getMessage() == null ? "the document could not be read" : e.getMessage();
        int at = message.indexOf("Message: ");
        String text = plain(at >= 0 ? message.substring(at + "Message: ".length()).strip() : message.strip());
        if (e.getLocation() != null && e.getLocation().getLineNumber() > 0) {
            return text.strip() + " (line " + e.getLocation().getLineNumber() + ", column "
                    + e.getLocation().getColumnNumber() + ")";
        }
        return text.strip();
    }

    /**
     * The JDK's parser has no text for some namespace errors and reports its message key instead
     * ({@code http://www.w3.org/TR/1999/REC-xml-names-19990114#AttributeNotUnique?disk&type}): say it in words.
     */
    static String plain(String text) {
        java.util.regex.Matcher key = MESSAGE_KEY.matcher(text);
        if (!key.matches()) {
            return text;
        }
        String[] args = key.group(2) == null ? new String[0] : key.group(2).split("&", -1);
        String arg0 = args.length > 0 ? args[0] : "?";
        String arg1 = args.length > 1 ? args[1] : "?";
        String arg2 = args.length > 2 ? args[2] : "?";
        return switch (key.group(1)) {
            case "AttributeNotUnique" -> "attribute '" + arg1 + "' appears twice on element <" + arg0 + ">";
            case "AttributeNSNotUnique" -> "attribute '" + arg1 + "' of namespace '" + arg2 + "' appears twice on"
                    + " element <" + arg0 + ">";
            case "ElementPrefixUnbound" -> "the prefix '" + arg0 + "' of element <" + arg1 + "> is not bound to a"
                    + " namespace";
            case "AttributePrefixUnbound" -> "the prefix '" + arg2 + "' of attribute '" + arg1 + "' on element <"
                    + arg0 + "> is not bound to a namespace";
            case "EmptyPrefixedAttName" -> "attribute '" + arg0 + "' binds a namespace prefix to an empty name";
            default -> "the XML breaks a rule of XML namespaces (" + key.group(1) + ")";
        };
    }

    private static final java.util.regex.Pattern MESSAGE_KEY =
            java.util.regex.Pattern.compile("https?://\\S+#(\\w+)(?:\\?(\\S*))?");

    private static boolean isBlank(byte[] xml) {
        for (byte b : xml) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    private static void close(XMLStreamReader reader) {
        if (reader != null) {
            try {
                reader.close();
            } catch (XMLStreamException ignored) {
                // Nothing was opened but the byte array.
            }
        }
    }
}
