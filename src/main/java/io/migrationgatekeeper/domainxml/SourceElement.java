package io.migrationgatekeeper.domainxml;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlAttribute;
import jakarta.xml.bind.annotation.XmlElement;
import java.util.ArrayList;
import java.util.List;

/** {@code <source>} in all of libvirt's forms; which attributes count depends on the disk type. */
@XmlAccessorType(XmlAccessType.FIELD)
class SourceElement {

    @XmlAttribute
    String file;

    @XmlAttribute
    String dev;

    @XmlAttribute
    String dir;

    @XmlAttribute
    String pool;

    @XmlAttribute
    String volume;

    @XmlAttribute
    String mode;

    @XmlAttribute
    String protocol;

    @XmlAttribute
    String name;

    /** {@code unix} for vhost-user, {@code pci} for NVMe. */
    @XmlAttribute
    String type;

    /** The socket of a vhost-user disk. */
    @XmlAttribute
    String path;

    @XmlAttribute
    String namespace;

    @XmlElement(name = "host")
    List<HostElement> hosts = new ArrayList<>();

    @XmlElement
    AddressElement address;

    @XmlAccessorType(XmlAccessType.FIELD)
    static class HostElement {
        @XmlAttribute
        String name;

        @XmlAttribute
        String port;

        @XmlAttribute
        String transport;

        @XmlAttribute
        String socket;
    }

    /** The PCI address of an NVMe controller. */
    @XmlAccessorType(XmlAccessType.FIELD)
    static class AddressElement {
        @XmlAttribute
        String domain;

        @XmlAttribute
        String bus;

        @XmlAttribute
        String slot;

        @XmlAttribute
        String function;
    }
}
