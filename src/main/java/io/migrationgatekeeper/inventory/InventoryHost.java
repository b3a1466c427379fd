package io.migrationgatekeeper.inventory;

import java.net.URI;
import java.util.Map;

/**
 * One host of the inventory, under its inventory name.
 *
 * @param uri     how the gatekeeper reaches this host's libvirtd
 * @param peerUri how another host's libvirtd reaches this one (peer-to-peer migration); {@code uri} by default
 */
public record InventoryHost(String name, URI uri, URI peerUri, String migrationAddress, Map<String, String> labels,
        QemuDropCache qemuDropCache) {

    /** The URI without user information, for display: a {@code qemu+ssh://user@host} user is not for every reader. */
    public String displayUri() {
        return redact(uri);
    }

    public String displayPeerUri() {
        return redact(peerUri);
    }

    private static String redact(URI uri) {
        if (uri.getUserInfo() == null) {
            return uri.toString();
        }
        return uri.toString().replace(uri.getRawUserInfo() + "@", "");
    }
}
