package io.migrationgatekeeper.domainxml;

import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.util.StreamReaderDelegate;

/**
 * Checks each event as it is read: refuses a DOCTYPE and entity references, bounds the nesting depth and insists
 * on a {@code <domain>} root, so a hostile document is stopped at its first offending event.
 */
final class GuardedStreamReader extends StreamReaderDelegate {

    private final int maxDepth;
    private int depth;
    private boolean rootSeen;

    GuardedStreamReader(XMLStreamReader reader, int maxDepth) {
        super(reader);
        this.maxDepth = maxDepth;
    }

    @Override
    public int next() throws XMLStreamException {
        int event = super.next();
        switch (event) {
            case XMLStreamConstants.DTD, XMLStreamConstants.ENTITY_DECLARATION, XMLStreamConstants.NOTATION_DECLARATION ->
                    throw new DomainXmlException(DomainXmlException.Kind.FORBIDDEN_DTD,
                            "a DOCTYPE is not allowed in domain XML (libvirt never writes one)");
            case XMLStreamConstants.ENTITY_REFERENCE -> throw new DomainXmlException(
                    DomainXmlException.Kind.FORBIDDEN_DTD,
                    "entity reference &" + getLocalName() + "; is not allowed: only the predefined XML entities are");
            case XMLStreamConstants.START_ELEMENT -> {
                if (++depth > maxDepth) {
                    throw new DomainXmlException(DomainXmlException.Kind.INVALID,
                            "elements are nested deeper than " + maxDepth + " levels");
                }
                // libvirt compares the root's local name only (virXMLNodeNameEqual), whatever its namespace.
                if (!rootSeen) {
                    rootSeen = true;
                    if (!"domain".equals(getLocalName())) {
                        throw new DomainXmlException(DomainXmlException.Kind.INVALID,
                                "the root element is <" + getLocalName() + ">, not libvirt's <domain>");
                    }
                }
            }
            case XMLStreamConstants.END_ELEMENT -> depth--;
            default -> {
            }
        }
        return event;
    }
}
