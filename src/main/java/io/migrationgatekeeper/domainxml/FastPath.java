package io.migrationgatekeeper.domainxml;

import java.util.Locale;
import java.util.Set;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.util.StreamReaderDelegate;

/**
 * Where the fast StAX reader (Aalto) may read a document instead of the JDK's: it declines (throws) at the first
 * thing the JDK's reader could treat differently, and {@link DomainXmlParser} then reads the document with the
 * JDK's. Declining is always safe; reading something the JDK would refuse is not, so every rule here errs towards
 * declining.
 */
final class FastPath extends StreamReaderDelegate {

    /**
     * The JDK's own limits (jdk.xml.maxXMLNameLimit 1000, jdk.xml.elementAttributeLimit 10000), which Aalto does not
     * have: a document near them goes to the JDK's reader, which applies them.
     */
    private static final int NAME_LIMIT = 1000;
    private static final int ATTRIBUTE_LIMIT = 10000;
    /** Encodings that read ASCII bytes as ASCII, by the names both readers know. */
    private static final Set<String> ASCII_ENCODINGS = Set.of("UTF-8", "US-ASCII", "ISO-8859-1");

    private static final class Declined extends RuntimeException {

        Declined(String why) {
            super(why, null, false, false);
        }
    }

    FastPath(XMLStreamReader reader) {
        super(reader);
        String version = reader.getVersion();
        if (version != null && !version.equals("1.0")) {
            throw new Declined("XML " + version);
        }
        String encoding = reader.getCharacterEncodingScheme();
        if (encoding != null && !ASCII_ENCODINGS.contains(encoding.toUpperCase(Locale.ROOT))) {
            throw new Declined("encoding " + encoding);
        }
    }

    /** Only ASCII documents: every byte below 0x80, so no byte-order mark and nothing to decode. */
    static boolean accepts(byte[] xml) {
        for (byte b : xml) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int next() throws XMLStreamException {
        int event = super.next();
        switch (event) {
            case XMLStreamConstants.START_ELEMENT -> {
                checkName(getPrefix(), getLocalName());
                int attributes = getAttributeCount();
                if (attributes >= ATTRIBUTE_LIMIT) {
                    throw new Declined("attributes");
                }
                for (int i = 0; i < attributes; i++) {
                    checkName(getAttributePrefix(i), getAttributeLocalName(i));
                }
                for (int i = 0; i < getNamespaceCount(); i++) {
                    String prefix = getNamespacePrefix(i);
                    checkName(prefix, "");
                    // xmlns:x='' undeclares a prefix: XML 1.1 namespaces only. Aalto takes it in 1.0; the JDK refuses.
                    if (prefix != null && !prefix.isEmpty() && (getNamespaceURI(i) == null || getNamespaceURI(i).isEmpty())) {
                        throw new Declined("prefix undeclared");
                    }
                }
            }
            case XMLStreamConstants.PROCESSING_INSTRUCTION -> checkName(null, getPITarget());
            case XMLStreamConstants.DTD, XMLStreamConstants.ENTITY_REFERENCE, XMLStreamConstants.ENTITY_DECLARATION,
                    XMLStreamConstants.NOTATION_DECLARATION -> throw new Declined("DTD or entity");
            default -> {
            }
        }
        return event;
    }

    private static void checkName(String prefix, String local) {
        int length = (prefix == null ? 0 : prefix.length() + 1) + (local == null ? 0 : local.length());
        if (length >= NAME_LIMIT) {
            throw new Declined("name length");
        }
    }
}
