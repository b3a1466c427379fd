package io.migrationgatekeeper.domainxml;

import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.jna.Libvirt;

/**
 * libvirt's own reading of a domain XML: define it on the in-process test driver ({@code test:///default}, which
 * runs the same domain XML parser as the QEMU driver), read back its canonical XML, undefine it. Not thread-safe.
 */
final class LibvirtOracle implements AutoCloseable {

    /** libvirt accepted the definition ({@code canonical} is its {@code getXMLDesc}), or refused it ({@code error}). */
    record Outcome(String canonical, String error) {

        boolean accepted() {
            return canonical != null;
        }
    }

    /** Kept in a field: JNA does not keep callbacks reachable. libvirt would print every refusal to stderr. */
    private static final Libvirt.VirErrorCallback QUIET = (userData, error) -> {
    };

    private final Connect connect;

    LibvirtOracle() throws LibvirtException {
        Connect.setErrorCallback(QUIET);
        connect = new Connect("test:///default");
        // The driver's built-in domain is called "test", like several corpus domains: make room for them.
        try {
            Domain builtIn = connect.domainLookupByName("test");
            if (builtIn.isActive() == 1) {
                builtIn.destroy();
            }
            builtIn.undefine();
            builtIn.free();
        } catch (LibvirtException noSuchDomain) {
            // Already gone: this JVM's test driver state is shared by every connection to it.
        }
    }

    Outcome define(String xml) {
        if (System.getProperty("differential.trace") != null) {
            try {
                java.nio.file.Files.writeString(java.nio.file.Path.of(System.getProperty("differential.trace")), xml);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        String crash = LibvirtCrashers.match(xml);
        if (crash != null) {
            return new Outcome(null, crash);
        }
        Domain domain;
        try {
            domain = connect.domainDefineXML(xml);
        } catch (LibvirtException e) {
            return new Outcome(null, e.getError().getMessage());
        }
        try {
            return new Outcome(domain.getXMLDesc(0), null);
        } catch (LibvirtException e) {
            throw new IllegalStateException("libvirt defined the domain but cannot describe it", e);
        } finally {
            try {
                domain.undefine();
                domain.free();
            } catch (LibvirtException e) {
                throw new IllegalStateException("cannot undefine a domain on the test driver", e);
            }
        }
    }

    @Override
    public void close() throws LibvirtException {
        connect.close();
    }
}
