package io.migrationgatekeeper.domainxml;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlAttribute;
import jakarta.xml.bind.annotation.XmlElement;

/** {@code <disk>}; flag elements such as {@code <readonly/>} are mapped to a present-or-null marker. */
@XmlAccessorType(XmlAccessType.FIELD)
class DiskElement {

    @XmlAttribute
    String type;

    @XmlAttribute
    String device;

    @XmlElement
    DriverElement driver;

    @XmlElement
    SourceElement source;

    @XmlElement
    TargetElement target;

    @XmlElement
    PresenceElement readonly;

    @XmlElement
    PresenceElement shareable;

    @XmlElement(name = "transient")
    PresenceElement transientDisk;

    @XmlAccessorType(XmlAccessType.FIELD)
    static class DriverElement {
        @XmlAttribute
        String name;

        @XmlAttribute
        String type;

        @XmlAttribute
        String cache;

        @XmlAttribute
        String io;
    }

    @XmlAccessorType(XmlAccessType.FIELD)
    static class TargetElement {
        @XmlAttribute
        String dev;

        @XmlAttribute
        String bus;
    }

    /** An element whose presence is the value; its attributes (e.g. {@code shareBacking}) do not matter here. */
    static class PresenceElement {}
}
