package io.migrationgatekeeper.libvirt;

import io.migrationgatekeeper.policy.SourceHostFacts;
import java.util.Map;

/** One host of the inventory, under its inventory name. */
public record InventoryHost(String name, boolean qemuDropCache, Map<String, String> labels) {

    public SourceHostFacts facts() {
        return new SourceHostFacts(qemuDropCache, true);
    }
}
