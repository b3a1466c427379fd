package io.migrationgatekeeper.inventory;

import io.migrationgatekeeper.configuration.InvalidConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/** The hosts requests may name. A name outside it is refused before anything is contacted. */
@Component
public class HostInventory {

    /** Names go into metric labels and log lines: keep them plain. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    /** libvirt's QEMU transports, and the in-process test driver. */
    private static final Set<String> SCHEMES = Set.of("qemu", "qemu+tls", "qemu+ssh", "qemu+libssh", "qemu+libssh2",
            "qemu+tcp", "qemu+unix", "qemu+ext", "test");

    private static final int KNOWN_HOSTS_SHOWN = 10;

    private final Map<String, InventoryHost> hosts;

    @Autowired
    HostInventory(HostProperties properties) {
        Map<String, InventoryHost> byName = new TreeMap<>();
        properties.hosts().forEach((name, host) -> byName.put(name, toHost(name, host)));
        this.hosts = Map.copyOf(byName);
    }

    private HostInventory(Collection<InventoryHost> hosts) {
        Map<String, InventoryHost> byName = new TreeMap<>();
        hosts.forEach(host -> byName.put(host.name(), host));
        this.hosts = Map.copyOf(byName);
    }

    /** An inventory of these hosts as they are (no configuration to validate), for tests of features that take one. */
    public static HostInventory of(Collection<InventoryHost> hosts) {
        return new HostInventory(hosts);
    }

    private static InventoryHost toHost(String name, HostProperties.Host host) {
        String at = "gatekeeper.hosts." + name;
        if (!NAME.matcher(name).matches()) {
            throw new InvalidConfigurationException(at, "a host name must match " + NAME.pattern());
        }
        if (host.uri() == null || host.uri().isBlank()) {
            throw new InvalidConfigurationException(at + ".uri", "is required: how the gatekeeper reaches the host's"
                    + " libvirtd (e.g. qemu+tls://kvm-a1.example.com/system)");
        }
        URI uri = libvirtUri(at + ".uri", host.uri());
        URI peerUri = host.peerUri() == null || host.peerUri().isBlank() ? uri : libvirtUri(at + ".peer-uri", host.peerUri());
        String migrationAddress = host.migrationAddress() == null || host.migrationAddress().isBlank()
                ? null : host.migrationAddress().strip();
        if (migrationAddress != null && !migrationAddress.matches("[A-Za-z0-9.:\\[\\]_-]+")) {
            throw new InvalidConfigurationException(at + ".migration-address",
                    "'" + migrationAddress + "' is not a host name or IP address");
        }
        return new InventoryHost(name, uri, peerUri, migrationAddress, host.labels(), host.qemuDropCache());
    }

    private static URI libvirtUri(String property, String value) {
        try {
            URI uri = new URI(value.strip());
            if (uri.getScheme() == null || !SCHEMES.contains(uri.getScheme())) {
                throw new InvalidConfigurationException(property, "'" + value + "' is not a libvirt QEMU URI; schemes: "
                        + String.join(", ", new java.util.TreeSet<>(SCHEMES)));
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new InvalidConfigurationException(property, "'" + value + "' is not a URI: " + e.getReason());
        }
    }

    /**
     * The named host, for a request parameter that must name one.
     *
     * @throws NotInInventoryException before anything is contacted
     */
    public InventoryHost require(String parameter, String name) {
        return find(name).orElseThrow(() -> new NotInInventoryException(parameter,
                parameter + ": '" + abbreviate(name) + "' is not in the host inventory (gatekeeper.hosts); known hosts: "
                        + knownHosts()));
    }

    /** A fleet has hundreds of hosts: name a few, count the rest, so an error stays readable and small. */
    private String knownHosts() {
        List<String> names = hosts.keySet().stream().sorted().toList();
        if (names.size() <= KNOWN_HOSTS_SHOWN) {
            return names.isEmpty() ? "(none)" : String.join(", ", names);
        }
        return String.join(", ", names.subList(0, KNOWN_HOSTS_SHOWN)) + " and " + (names.size() - KNOWN_HOSTS_SHOWN)
                + " more (GET /v1/hosts lists them)";
    }

    /** A hostile name may be a megabyte long; the answer echoes only its start. */
    private static String abbreviate(String name) {
        return name == null || name.length() <= 100 ? name : name.substring(0, 100) + "…";
    }

    public Optional<InventoryHost> find(String name) {
        return Optional.ofNullable(name).map(hosts::get);
    }

    public Collection<InventoryHost> all() {
        return new TreeMap<>(hosts).values();
    }
}
