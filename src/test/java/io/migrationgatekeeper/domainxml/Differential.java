package io.migrationgatekeeper.domainxml;

import io.migrationgatekeeper.policy.Disk;
import io.migrationgatekeeper.policy.Domain;
import io.migrationgatekeeper.policy.Evaluation;
import io.migrationgatekeeper.policy.MigrationRequest;
import io.migrationgatekeeper.policy.SafetyRule;
import io.migrationgatekeeper.policy.SourceHostFacts;
import io.migrationgatekeeper.policy.StorageMigration;
import io.migrationgatekeeper.policy.TestPolicies;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The differential property between the gatekeeper's parser and libvirt's, for one document:
 * <ul>
 * <li>libvirt accepts ⇒ the gatekeeper accepts it too, extracts the same facts (name, type, uuid, every disk) from
 * the document as from libvirt's canonical form of it, and reaches the same decision and flags for both;</li>
 * <li>libvirt refuses ⇒ the gatekeeper refuses it too (400), unless libvirt's reason is one of the few listed in
 * {@link #OUTSIDE_THE_RULE}: something the rule does not read.</li>
 * </ul>
 */
final class Differential {

    enum Agreement {
        /** Both read the document, the same way. */
        BOTH_ACCEPT,
        /** Both refuse it. */
        BOTH_REFUSE,
        /** libvirt refuses it for something the rule does not read; the gatekeeper reads it. */
        REFUSED_OUTSIDE_THE_RULE,
        /**
         * The gatekeeper refuses what libvirt would read, for its own hardening: a DOCTYPE, or a definition that
         * libvirt accepts but does not read back from its own XML of it (found by fuzzing: libvirt writes
         * {@code <target dev>} unescaped, so a quote breaks the XML and a tab comes back as a space).
         */
        HARDENING
    }

    /** A disagreement: the document, and what differs. */
    static final class Disagreement extends AssertionError {
        final String xml;

        Disagreement(String problem, String xml) {
            super(problem + "\n--- document ---\n" + xml);
            this.xml = xml;
        }
    }

    /**
     * libvirt 9.0 refusals of constructs the rule does not read. The gatekeeper reads such domains (the rule gives
     * its decision on their disks); libvirt refuses them, so they can never be migrated anyway.
     */
    static final List<Pattern> OUTSIDE_THE_RULE = List.of(
            // <domain> without type: the gatekeeper lets a hand-written preflight leave it out (README).
            Pattern.compile("^missing domain type attribute$"),
            // <target removable='on'> on a bus other than USB: the rule reads neither.
            Pattern.compile("^XML error: removable is only valid for usb disks$"),
            // <source fdgroup='…'>: passing file descriptors is the QEMU driver's, not the test driver's; the rule
            // reads the file the same.
            Pattern.compile("^unsupported configuration: driver does not support FD passing for disk '[^']*'$"),
            // <address> of a type the bus cannot take: the rule does not read addresses.
            Pattern.compile("^unsupported configuration: Invalid address type '[^']*' for the disk '[^']*' with the"
                    + " bus type '[^']*'$"),
            Pattern.compile("^unsupported configuration: Found duplicate drive address for disk with target name"),
            // <driver type> (the image format) and <target tray>: not read by the rule.
            Pattern.compile("^unsupported configuration: disk device 'lun' must use 'raw' format$"),
            Pattern.compile("^unsupported configuration: tray is only valid for cdrom and floppy$"),
            // Constructs of a disk the rule does not read, which libvirt allows only with some device or protocol.
            Pattern.compile("^unsupported configuration: <reservations/> allowed only for lun devices$"),
            Pattern.compile("^unsupported configuration: sgio can be used only with device='lun'$"),
            Pattern.compile("^unsupported configuration: authentication is not supported for protocol '[^']*'$"),
            Pattern.compile("^unsupported configuration: queues attribute in disk driver element is only supported by"
                    + " virtio-blk$"),
            Pattern.compile("^unsupported configuration: disk ioeventfd mode supported only for virtio bus$"),
            Pattern.compile("^unsupported configuration: invalid secret type '[^']*'$"),
            // vhostvdpa disks came after libvirt 9.0; the gatekeeper reads them for hosts with a newer libvirt.
            Pattern.compile("^XML error: Invalid value for attribute 'type' in element 'disk': 'vhostvdpa'\\.$"));

    private static final SafetyRule RULE = new SafetyRule(TestPolicies.sample());
    private static final SourceHostFacts HOST = TestPolicies.HOSTS.get("kvm-a1");
    private static final List<MigrationRequest> REQUESTS = List.of(
            new MigrationRequest("kvm-a1", "kvm-a2", StorageMigration.NONE, null, false, null),
            new MigrationRequest("kvm-b1", "kvm-a2", StorageMigration.NONE, null, false, null),
            new MigrationRequest("kvm-a1", "kvm-a2", StorageMigration.FULL, null, false, null));

    private final DomainXmlParser parser;
    private final LibvirtOracle libvirt;

    Differential(DomainXmlParser parser, LibvirtOracle libvirt) {
        this.parser = parser;
        this.libvirt = libvirt;
    }

    /** @throws Disagreement when the gatekeeper and libvirt read the document differently */
    Agreement check(String xml) {
        LibvirtOracle.Outcome outcome = libvirt.define(xml);
        Domain mine = null;
        DomainXmlException refusal = null;
        try {
            mine = parser.parse(xml.getBytes(StandardCharsets.UTF_8));
        } catch (DomainXmlException e) {
            refusal = e;
        } catch (RuntimeException e) {
            throw new Disagreement("the parser failed with " + e + " instead of a DomainXmlException", xml);
        }
        if (!outcome.accepted()) {
            if (refusal != null) {
                return Agreement.BOTH_REFUSE;
            }
            if (OUTSIDE_THE_RULE.stream().anyMatch(p -> p.matcher(outcome.error()).find())) {
                return Agreement.REFUSED_OUTSIDE_THE_RULE;
            }
            throw new Disagreement("libvirt refuses (" + outcome.error() + ") but the gatekeeper reads " + mine, xml);
        }
        if (refusal != null) {
            if (refusal.kind() == DomainXmlException.Kind.FORBIDDEN_DTD || !readsBack(outcome.canonical())) {
                return Agreement.HARDENING;
            }
            throw new Disagreement("libvirt accepts but the gatekeeper refuses: " + refusal.getMessage()
                    + "\n--- libvirt's canonical form ---\n" + outcome.canonical(), xml);
        }
        Domain canonical;
        try {
            canonical = parser.parse(restoreEmptySources(outcome.canonical()).getBytes(StandardCharsets.UTF_8));
        } catch (DomainXmlException e) {
            throw new Disagreement("the gatekeeper refuses libvirt's canonical form: " + e.getMessage()
                    + "\n--- libvirt's canonical form ---\n" + outcome.canonical(), xml);
        }
        String difference = difference(mine, canonical, targetsInOrder(outcome.canonical()));
        if (difference != null) {
            throw new Disagreement(difference + "\n--- libvirt's canonical form ---\n" + outcome.canonical(), xml);
        }
        for (MigrationRequest request : REQUESTS) {
            Evaluation a = RULE.evaluate(mine, request, HOST);
            Evaluation b = RULE.evaluate(canonical, request, HOST);
            if (a.decision() != b.decision() || !a.flags().equals(b.flags())) {
                throw new Disagreement("decisions differ for " + request + ": " + a.decision() + " " + a.flags()
                        + " from the document, " + b.decision() + " " + b.flags() + " from libvirt's form", xml);
            }
        }
        return Agreement.BOTH_ACCEPT;
    }

    /**
     * libvirt keeps the type of a disk whose {@code <source/>} is empty (a block LUN or a volume CD-ROM without
     * media) but its formatter leaves the empty source out, and libvirt itself reads a disk without {@code <source>}
     * back as a file disk: its canonical form loses the type. The empty source is put back so that the canonical
     * form reads as libvirt holds the definition, not as libvirt itself would read it back.
     */
    static String restoreEmptySources(String canonical) {
        // libvirt formats a disk's own <source> before its <backingStore> and <mirror>, which have sources too.
        String restored = EMPTY_SOURCE_LOST.matcher(canonical).replaceAll(m -> m.group(2)
                .split("<backingStore|<mirror", 2)[0].contains("<source")
                ? java.util.regex.Matcher.quoteReplacement(m.group())
                : java.util.regex.Matcher.quoteReplacement(m.group(1) + "<source/>" + m.group(2) + "</disk>"));
        // Likewise an empty network image name: libvirt requires the attribute, keeps no name, and writes none.
        return EMPTY_NAME_LOST.matcher(restored).replaceAll("$1 name=''");
    }

    private static final Pattern EMPTY_NAME_LOST = Pattern.compile("(<source protocol='(?!nbd')[^']*')(?![^>]*\\sname=)");

    private static final Pattern EMPTY_SOURCE_LOST = Pattern.compile(
            "(<disk type='(?:block|dir|volume|vhostvdpa)'[^>]*>)(.*?)</disk>", Pattern.DOTALL);

    private static java.util.Map<String, Disk> byTarget(Domain domain) {
        java.util.Map<String, Disk> disks = new java.util.TreeMap<>();
        domain.disks().forEach(d -> disks.put(d.target(), d));
        return disks;
    }

    private static final Pattern DISK_TARGET = Pattern.compile("<disk [^>]*>.*?<target dev='([^']*)'", Pattern.DOTALL);

    /**
     * The targets in the order libvirt lists its disks. Compared apart from the disks: libvirt orders disks as it
     * inserts them (by the bus written in the XML, then target index), so reading its canonical form, where every
     * bus is written, may order them differently from libvirt's own definition.
     */
    static List<String> targetsInOrder(String canonical) {
        List<String> targets = new java.util.ArrayList<>();
        var matcher = DISK_TARGET.matcher(canonical);
        while (matcher.find()) {
            targets.add(matcher.group(1).replace("&apos;", "'").replace("&quot;", "\"").replace("&lt;", "<")
                    .replace("&gt;", ">").replace("&amp;", "&"));
        }
        return targets;
    }

    /** libvirt reads its canonical form back to the same definition (its XML of that is the same text). */
    private boolean readsBack(String canonical) {
        if (!wellFormed(canonical)) {
            return false;
        }
        LibvirtOracle.Outcome again = libvirt.define(canonical);
        return canonical.equals(again.canonical());
    }

    private static boolean wellFormed(String xml) {
        try {
            javax.xml.parsers.DocumentBuilderFactory factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
            var builder = factory.newDocumentBuilder();
            builder.setErrorHandler(new org.xml.sax.helpers.DefaultHandler());
            builder.parse(new org.xml.sax.InputSource(new java.io.StringReader(xml)));
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static String difference(Domain mine, Domain libvirts, List<String> libvirtsOrder) {
        if (!mine.name().equals(libvirts.name())) {
            return "name: '" + mine.name() + "' here, '" + libvirts.name() + "' in libvirt's form";
        }
        if (mine.type() != null && !mine.type().equals(libvirts.type())) {
            return "type: " + mine.type() + " here, " + libvirts.type() + " in libvirt's form";
        }
        // Without a <uuid> libvirt makes one up.
        if (mine.uuid() != null && !Objects.equals(mine.uuid(), libvirts.uuid())) {
            return "uuid: " + mine.uuid() + " here, " + libvirts.uuid() + " in libvirt's form";
        }
        List<String> order = mine.disks().stream().map(Disk::target).toList();
        if (!order.equals(libvirtsOrder)) {
            return "disk order: " + order + " here, " + libvirtsOrder + " in libvirt's form";
        }
        if (!byTarget(mine).equals(byTarget(libvirts))) {
            return "disks:\n  here:     " + mine.disks() + "\n  libvirt's: " + libvirts.disks();
        }
        return null;
    }
}
