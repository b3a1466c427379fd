package io.migrationgatekeeper.policy;

/**
 * One {@code <disk>} of a domain, reduced to what the safety rule reads.
 *
 * @param target    {@code <target dev>}, the name {@code migrateDisks} refers to
 * @param bus       {@code <target bus>}, or the bus libvirt gives the target's name
 * @param readonly  {@code <readonly/>}; libvirt makes every CD-ROM read-only
 * @param source    null when the disk has no source (libvirt's "empty" disk)
 * @param transientDisk {@code <transient/>}: changes are discarded when the guest stops
 */
public record Disk(
        String target,
        String bus,
        DiskType type,
        DiskDevice device,
        CacheMode cache,
        DiskSource source,
        boolean readonly,
        boolean shareable,
        boolean transientDisk) {

    public boolean isEmpty() {
        return source == null;
    }
}
