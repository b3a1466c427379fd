package io.migrationgatekeeper.libvirt;

import io.migrationgatekeeper.configuration.InvalidConfigurationException;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/** The hosts requests may name. A name outside it is refused before anything is contacted. */
@Component
public class HostInventory {

    /** Names go into metric labels and log lines: keep them plain. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private final Map<String, InventoryHost> hosts;

    HostInventory(HostProperties properties) {
        Map<String, InventoryHost> byName = new TreeMap<>();
        properties.hosts().forEach((name, host) -> {
            if (!NAME.matcher(name).matches()) {
                throw new InvalidConfigurationException("gatekeeper.hosts." + name, "a host name must match " + NAME.pattern());
            }
            byName.put(name, new InventoryHost(name, host.qemuDropCache(), host.labels()));
        });
        this.hosts = Map.copyOf(byName);
    }

    public Optional<InventoryHost> find(String name) {
        return Optional.ofNullable(name).map(hosts::get);
    }

    public Collection<InventoryHost> all() {
        return new TreeMap<>(hosts).values();
    }
}
