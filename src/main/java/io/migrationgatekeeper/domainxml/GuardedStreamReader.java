package io.migrationgatekeeper.domainxml;

import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.util.StreamReaderDelegate;

/**
 * Checks each event before JAXB sees it: refuses a DOCTYPE, bounds the nesting depth and insists on a
 * {@code <domain>} root, so a hostile document is stopped at its first offending event, not after binding.
 */
final class GuardedStreamReader extends StreamReaderDelegate {

    /** Carries a {@link DomainXmlException} through JAXB, which wraps whatever the reader throws. */
    static final class Rejection extends XMLStreamException {
        final transient DomainXmlException reason;

        Rejection(DomainXmlException reason) {
            super(reason.getMessage());
            this.reason = reason;
        }
    }

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
                    throw reject(DomainXmlException.Kind.FORBIDDEN_DTD,
                            "a DOCTYPE is not allowed in domain XML (libvirt never writes one)");
            case XMLStreamConstants.ENTITY_REFERENCE -> throw reject(DomainXmlException.Kind.FORBIDDEN_DTD,
                    "entity reference &" + getLocalName() + "; is not allowed: only the predefined XML entities are");
            case XMLStreamConstants.START_ELEMENT -> {
                if (++depth > maxDepth) {
                    throw reject(DomainXmlException.Kind.INVALID,
                            "elements are nested deeper than " + maxDepth + " levels");
                }
                if (!rootSeen) {
                    rootSeen = true;
                    String ns = getNamespaceURI();
                    if (!"domain".equals(getLocalName()) || (ns != null && !ns.isEmpty())) {
                        throw reject(DomainXmlException.Kind.INVALID, "the root element is <" + getLocalName()
                                + ">" + (ns == null || ns.isEmpty() ? "" : " in namespace " + ns)
                                + ", not libvirt's <domain>");
                    }
                }
            }
            case XMLStreamConstants.END_ELEMENT -> depth--;
            default -> {
            }
        }
        return event;
    }

    @Override
    public int nextTag() throws XMLStreamException {
        int event = next();
        while (event == XMLStreamConstants.CHARACTERS && isWhiteSpace()
                || event == XMLStreamConstants.SPACE
                || event == XMLStreamConstants.COMMENT
                || event == XMLStreamConstants.PROCESSING_INSTRUCTION) {
            event = next();
        }
        if (event != XMLStreamConstants.START_ELEMENT && event != XMLStreamConstants.END_ELEMENT) {
            throw new XMLStreamException("expected a start or end tag", getLocation());
        }
        return event;
    }

    private static Rejection reject(DomainXmlException.Kind kind, String message) {
        return new Rejection(new DomainXmlException(kind, message));
    }
}
