package io.migrationgatekeeper.domainxml;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlAttribute;
import jakarta.xml.bind.annotation.XmlElement;
import jakarta.xml.bind.annotation.XmlElementWrapper;
import jakarta.xml.bind.annotation.XmlRootElement;
import java.util.ArrayList;
import java.util.List;

/** {@code <domain>}: only what the rule reads is mapped; every other element is skipped by JAXB. */
@XmlRootElement(name = "domain")
@XmlAccessorType(XmlAccessType.FIELD)
class DomainElement {

    @XmlAttribute
    String type;

    @XmlElement
    String name;

    @XmlElement
    String uuid;

    @XmlElementWrapper(name = "devices")
    @XmlElement(name = "disk")
    List<DiskElement> disks = new ArrayList<>();
}
