package io.migrationgatekeeper.policy;

import java.util.List;
import java.util.stream.Collectors;

/**
 * libvirt's own verdict on one disk, as the gatekeeper predicts it from what libvirt can see for itself (see
 * {@link LibvirtCheck}): what {@code virDomainMigrate*} without {@code VIR_MIGRATE_UNSAFE} would say.
 *
 * @param storageClass what libvirt takes the storage for; null when an earlier step decided
 * @param message      libvirt's words when it refuses; null when it accepts
 * @param reliesOn     the declarations this prediction takes libvirt to confirm (a filesystem type on libvirt's
 *                     lists, a pool, a drop-cache detection); empty when it rests on nothing declared
 */
public record LibvirtVerdict(ReasonCode reason, StorageClass storageClass, String message, List<Declaration> reliesOn) {

    public LibvirtVerdict {
        reliesOn = reliesOn == null ? List.of() : List.copyOf(reliesOn);
    }

    /** The declarations, for operators; null when there are none. */
    public String describeReliance() {
        return reliesOn.isEmpty() ? null
                : reliesOn.stream().map(Declaration::description).collect(Collectors.joining("; "));
    }

    public Verdict verdict() {
        return reason.verdict();
    }

    /** libvirt would refuse the migration because of this disk. */
    public boolean refuses() {
        return verdict() != Verdict.SAFE;
    }
}
