package io.migrationgatekeeper.domainxml;

/** The request body is not a domain XML the gatekeeper will read; {@link #kind()} says which way. */
public class DomainXmlException extends RuntimeException {

    public enum Kind {
        /** Not well-formed XML. */
        MALFORMED,
        /** A DOCTYPE: refused outright, so no entity can be declared, expanded or fetched. */
        FORBIDDEN_DTD,
        /** Well-formed, but not a domain libvirt would accept (wrong root, unknown cache mode, empty, too deep). */
        INVALID
    }

    private final Kind kind;

    DomainXmlException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
