package io.migrationgatekeeper.libvirt;

import io.migrationgatekeeper.inventory.InventoryHost;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.springframework.stereotype.Component;

/**
 * The one way a host's domains are listed, for every feature that needs them (a host's domains and the fleet audit,
 * drains): {@code virConnectListAllDomains} in one call bounded by the call timeout, refused at once while an earlier
 * call to the host is still hung (a drain or a sweep repeated against a hung host would otherwise leave one more
 * thread behind it each time), every handle freed before it returns, and a domain that vanishes between the listing
 * and its reads left out. Each domain is handed to the caller's {@link Reader} as it is listed, so only what the
 * reader keeps stays in memory.
 *
 * <p>A reader runs inside the host call: it must not call libvirt, nor anything that may (the rule's host facts, a
 * decision). Calls on a host may be serialised, and a call made from inside another would wait on itself;
 * {@link HostConnections#call} refuses it.
 */
@Component
class DomainListing {

    /** Which domains a listing reads. */
    enum Selection {
        /** Every domain, active or not, persistent or not; persistence is listed too (one more round trip). */
        ALL(0),
        /** The active ones only ({@code VIR_CONNECT_LIST_DOMAINS_ACTIVE}): what a drain moves. */
        RUNNING(1);

        private final int flags;

        Selection(int flags) {
            this.flags = flags;
        }
    }

    /** {@code VIR_CONNECT_LIST_DOMAINS_PERSISTENT}. */
    private static final int PERSISTENT = 4;

    /** One domain of a listing, readable only inside the reader it is handed to: its handle is freed after. */
    static final class Listed {

        private final Domain domain;
        /** UUIDs of the persistent domains; null when the selection did not list them. */
        private final Set<String> persistent;

        private Listed(Domain domain, Set<String> persistent) {
            this.domain = domain;
            this.persistent = persistent;
        }

        /** No round trip: the name, UUID and id came with the listing. */
        String name() throws LibvirtException {
            return domain.getName();
        }

        String uuid() throws LibvirtException {
            return domain.getUUIDString();
        }

        /** The id is -1 for a domain that is not running (no round trip). */
        boolean active() throws LibvirtException {
            return domain.getID() != -1;
        }

        /** @throws IllegalStateException in a {@link Selection#RUNNING} listing, which does not list persistence */
        boolean persistent() throws LibvirtException {
            if (persistent == null) {
                throw new IllegalStateException("a listing of running domains does not say which are persistent");
            }
            return persistent.contains(domain.getUUIDString());
        }

        /** One round trip. */
        DomainInfo.DomainState state() throws LibvirtException {
            return domain.getInfo().state;
        }

        /** One round trip: the live definition of a running domain, the persistent one otherwise. */
        String xml() throws LibvirtException {
            return domain.getXMLDesc(0);
        }
    }

    /** What a listing keeps of one domain; null is kept as null. */
    @FunctionalInterface
    interface Reader<T> {
        T read(Listed domain) throws LibvirtException;
    }

    private final HostConnections connections;

    DomainListing(HostConnections connections) {
        this.connections = connections;
    }

    /**
     * Lists the host's domains of {@code selection} and keeps what {@code read} returns for each, in libvirt's order.
     *
     * @param what what the listing is for, for messages ("listing the running domains")
     * @throws io.migrationgatekeeper.inventory.HostCallException as {@link HostConnections#call}
     */
    <T> List<T> list(InventoryHost host, Selection selection, String what, Reader<T> read) {
        return connections.call(host, what, session -> {
            Set<String> persistent = null;
            if (selection == Selection.ALL) {
                persistent = new HashSet<>();
                for (Domain domain : session.allDomains(PERSISTENT)) {
                    persistent.add(domain.getUUIDString());
                }
            }
            Domain[] domains = session.allDomains(selection.flags);
            List<T> kept = new ArrayList<>(domains.length);
            for (Domain domain : domains) {
                if (Thread.currentThread().isInterrupted()) {
                    // The caller gave up (the call timeout): reading thousands more domains for nobody would only
                    // keep the host looking hung to every other caller until the last one is read.
                    throw new CancellationException(what + " on host '" + host.name() + "' abandoned by its caller");
                }
                T value;
                try {
                    value = read.read(new Listed(domain, persistent));
                } catch (LibvirtException e) {
                    // Undefined, or ended and gone, between the listing and this read: it is no longer on the host.
                    if (HostConnections.code(e) != ErrorNumber.VIR_ERR_NO_DOMAIN) {
                        throw e;
                    }
                    continue;
                }
                kept.add(value);
            }
            return kept;
        });
    }
}
