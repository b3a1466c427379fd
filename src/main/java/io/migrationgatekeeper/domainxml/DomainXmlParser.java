package io.migrationgatekeeper.domainxml;

import io.migrationgatekeeper.policy.CacheMode;
import io.migrationgatekeeper.policy.Disk;
import io.migrationgatekeeper.policy.DiskDevice;
import io.migrationgatekeeper.policy.DiskSource;
import io.migrationgatekeeper.policy.DiskType;
import io.migrationgatekeeper.policy.Domain;
import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Unmarshaller;
import jakarta.xml.bind.ValidationEvent;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads libvirt domain XML into the rule's {@link Domain}. Hardened for untrusted input: no DTD, no entity
 * of any kind, no external resource is ever read, and the nesting depth is bounded. The body size is
 * bounded by the caller, before the bytes reach this class. Thread-safe.
 */
public final class DomainXmlParser {

    private static final JAXBContext CONTEXT;

    static {
        try {
            CONTEXT = JAXBContext.newInstance(DomainElement.class);
        } catch (JAXBException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final XMLInputFactory factory;
    private final int maxDepth;

    public DomainXmlParser(int maxDepth) {
        if (maxDepth < 4) {
            throw new IllegalArgumentException("maxDepth must be at least 4 (domain/devices/disk/source)");
        }
        this.maxDepth = maxDepth;
        // The JDK's own StAX parser, whatever else is on the class path, so the settings below are known to hold.
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        // JDK 24+ ships its own depth limit (jaxp.properties: 100); ours is configured and reported, so it must be
        // the one that trips.
        f.setProperty("jdk.xml.maxElementDepth", String.valueOf(maxDepth + 1));
        f.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
            throw new XMLStreamException("external resources are never read (" + systemId + ")");
        });
        this.factory = f;
    }

    /** @throws DomainXmlException when the bytes are not a domain XML the gatekeeper accepts */
    public Domain parse(byte[] xml) {
        if (isBlank(xml)) {
            throw new DomainXmlException(DomainXmlException.Kind.INVALID,
                    "the request body is empty: send a libvirt domain XML (virsh dumpxml)");
        }
        DomainElement element;
        XMLStreamReader reader = null;
        try {
            reader = new GuardedStreamReader(factory.createXMLStreamReader(new ByteArrayInputStream(xml)), maxDepth);
            Unmarshaller unmarshaller = CONTEXT.createUnmarshaller();
            // Unknown elements and attributes are the norm in domain XML; only a fatal error stops binding.
            unmarshaller.setEventHandler(event -> event.getSeverity() != ValidationEvent.FATAL_ERROR);
            element = unmarshaller.unmarshal(reader, DomainElement.class).getValue();
        } catch (JAXBException | XMLStreamException | RuntimeException e) {
            throw translate(e);
        } finally {
            close(reader);
        }
        return toDomain(element);
    }

    private static DomainXmlException translate(Throwable failure) {
        for (Throwable t = failure; t != null; t = next(t)) {
            if (t instanceof GuardedStreamReader.Rejection rejection) {
                return rejection.reason;
            }
            if (t instanceof DomainXmlException known) {
                return known;
            }
        }
        for (Throwable t = failure; t != null; t = next(t)) {
            if (t instanceof XMLStreamException xml && xml.getMessage() != null) {
                return new DomainXmlException(DomainXmlException.Kind.MALFORMED, "not well-formed XML: " + clean(xml));
            }
        }
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return new DomainXmlException(DomainXmlException.Kind.MALFORMED, "not well-formed XML: " + message);
    }

    private static Throwable next(Throwable t) {
        if (t instanceof JAXBException jaxb && jaxb.getLinkedException() != null && jaxb.getLinkedException() != t) {
            return jaxb.getLinkedException();
        }
        return t.getCause() == t ? null : t.getCause();
    }

    /** The JDK prefixes "ParseError at [row,col]:[r,c]\nMessage: "; keep the position, drop the noise. */
    private static String clean(XMLStreamException e) {
        String message = e.getMessage();
        int at = message.indexOf("Message: ");
        String text = at >= 0 ? message.substring(at + "Message: ".length()) : message;
        if (e.getLocation() != null && e.getLocation().getLineNumber() > 0) {
            return text.strip() + " (line " + e.getLocation().getLineNumber() + ", column "
                    + e.getLocation().getColumnNumber() + ")";
        }
        return text.strip();
    }

    private Domain toDomain(DomainElement element) {
        if (element.name == null || element.name.isBlank()) {
            throw invalid("the domain has no <name>");
        }
        List<Disk> disks = new ArrayList<>(element.disks.size());
        for (int i = 0; i < element.disks.size(); i++) {
            disks.add(toDisk(element.disks.get(i), i + 1));
        }
        return new Domain(element.name.strip(), trimToNull(element.uuid), element.type, disks);
    }

    private static Disk toDisk(DiskElement e, int position) {
        String target = e.target == null ? null : trimToNull(e.target.dev);
        if (target == null) {
            throw invalid("disk #" + position + " has no <target dev='…'/>");
        }
        String label = "disk " + target;
        DiskType type = e.type == null ? DiskType.FILE : DiskType.fromXml(e.type).orElseThrow(() ->
                invalid(label + ": unknown disk type '" + e.type + "' (libvirt's: " + DiskType.allowedValues() + ")"));
        DiskDevice device = e.device == null ? DiskDevice.DISK : DiskDevice.fromXml(e.device).orElseThrow(() ->
                invalid(label + ": unknown disk device '" + e.device + "' (libvirt's: " + DiskDevice.allowedValues() + ")"));
        String cacheValue = e.driver == null ? null : e.driver.cache;
        CacheMode cache = cacheValue == null ? CacheMode.DEFAULT : CacheMode.fromXml(cacheValue).orElseThrow(() ->
                invalid(label + ": cache '" + cacheValue + "' is not a libvirt cache mode (" + CacheMode.allowedValues()
                        + ")"));
        return new Disk(target,
                e.target.bus,
                type,
                device,
                cache,
                e.driver == null ? null : e.driver.name,
                e.driver == null ? null : e.driver.type,
                e.driver == null ? null : e.driver.io,
                source(type, e.source),
                e.readonly != null,
                e.shareable != null,
                e.transientDisk != null);
    }

    /** The source in the form the disk type reads, or null where libvirt would call the disk empty. */
    private static DiskSource source(DiskType type, SourceElement s) {
        if (s == null) {
            return null;
        }
        return switch (type) {
            case FILE -> path(s.file);
            case BLOCK, VHOSTVDPA -> path(s.dev);
            case DIR -> path(s.dir);
            case VHOSTUSER -> path(s.path);
            case VOLUME -> trimToNull(s.pool) == null ? null : DiskSource.ofVolume(s.pool, s.volume);
            case NETWORK -> trimToNull(s.protocol) == null ? null : DiskSource.ofNetwork(s.protocol, s.name, hosts(s));
            case NVME -> DiskSource.ofNvme(nvme(s));
        };
    }

    private static DiskSource path(String path) {
        return path == null || path.isEmpty() ? null : DiskSource.ofPath(path);
    }

    private static List<String> hosts(SourceElement s) {
        List<String> hosts = new ArrayList<>(s.hosts.size());
        for (SourceElement.HostElement h : s.hosts) {
            if (h.socket != null) {
                hosts.add("unix:" + h.socket);
            } else if (h.name != null) {
                String name = h.name.contains(":") ? "[" + h.name + "]" : h.name;
                hosts.add(h.port == null ? name : name + ":" + h.port);
            }
        }
        return hosts;
    }

    private static String nvme(SourceElement s) {
        StringBuilder text = new StringBuilder("nvme");
        if (s.address != null) {
            text.append(':').append(hex(s.address.domain, 4)).append(':').append(hex(s.address.bus, 2)).append(':')
                    .append(hex(s.address.slot, 2)).append('.').append(hex(s.address.function, 1));
        }
        if (s.namespace != null) {
            text.append("/ns").append(s.namespace);
        }
        return text.toString();
    }

    private static String hex(String value, int width) {
        if (value == null) {
            return "0".repeat(width);
        }
        String digits = value.startsWith("0x") || value.startsWith("0X") ? value.substring(2) : value;
        return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
    }

    private static DomainXmlException invalid(String message) {
        return new DomainXmlException(DomainXmlException.Kind.INVALID, message);
    }

    private static String trimToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

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
