package io.migrationgatekeeper.policy;

/**
 * libvirt refused a migration with {@code VIR_ERR_MIGRATE_UNSAFE} although the gatekeeper predicted its check would
 * pass: the host contradicts a declaration the prediction rested on.
 *
 * @param disk the disk (target dev) whose predicted verdict rested on the declaration
 */
public record DeclarationConflict(String disk, Declaration declaration) {

    /** {@code vda: the host contradicts gfs2 filesystem declared at /srv/gfs2}. */
    public String describe() {
        return disk + ": the host contradicts " + declaration.description();
    }
}
