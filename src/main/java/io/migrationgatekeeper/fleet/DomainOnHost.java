package io.migrationgatekeeper.fleet;

/**
 * A domain as its host's libvirtd reports it.
 *
 * @param liveXml the live definition while the domain is active; null otherwise
 */
public record DomainOnHost(String name, String uuid, DomainState state, boolean persistent, String liveXml) {

    public boolean active() {
        return liveXml != null;
    }
}
