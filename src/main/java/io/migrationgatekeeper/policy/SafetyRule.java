package io.migrationgatekeeper.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * libvirt's {@code qemuMigrationSrcIsSafe}, made explicit and configurable: decides per disk, in the
 * specification's order (first match wins), then for the domain, then which libvirt flags go with it.
 * Immutable and thread-safe; build one per policy.
 */
public final class SafetyRule {

    static final String UNSAFE_PREFIX = "Unsafe migration: ";
    static final String NOT_SHARED = "Migration without shared storage is unsafe";
    static final String CACHE_UNSAFE =
            "Migration may lead to data corruption if disks use cache other than none or directsync";
    static final String CANNOT_COPY = "Operation not supported: Cannot migrate empty or read-only disk ";
    static final String TRANSIENT = "Requested operation is not valid: migration with transient disk is not supported";

    private final Policy policy;
    private final StorageClassifier classifier;

    public SafetyRule(Policy policy) {
        this.policy = policy;
        this.classifier = new StorageClassifier(policy);
    }

    public Policy policy() {
        return policy;
    }

    /**
     * @throws InvalidMigrationRequestException when {@code migrateDisks} names a disk the domain does not have, or,
     *                                          unless the rule denies the domain, one libvirt cannot copy (read-only
     *                                          or empty)
     * @throws UnsafeOverrideRefusedException   when the request carries an override the policy disables
     */
    public Evaluation evaluate(Domain domain, MigrationRequest request, SourceHostFacts host) {
        if (request.override().isPresent() && !policy.allowUnsafeOverride()) {
            throw new UnsafeOverrideRefusedException("the policy does not allow unsafe overrides"
                    + " (gatekeeper.policy.allow-unsafe-override is false); remove the override");
        }
        checkMigrateDisks(domain, request);

        List<DiskVerdict> verdicts = new ArrayList<>(domain.disks().size());
        for (Disk disk : domain.disks()) {
            Classification classification = disk.isEmpty()
                    ? null : classifier.classify(disk, request.sourceHost(), host.pools());
            DiskVerdict verdict = request.offline()
                    ? new DiskVerdict(disk, null, ReasonCode.OFFLINE_MIGRATION,
                            "offline migration: no guest is running, libvirt skips the disk checks", null)
                    : evaluateDisk(disk, request, classification, host);
            verdicts.add(verdict.withLibvirt(LibvirtCheck.predict(disk, request, classification, host)));
        }

        // In the order libvirt reports them: it refuses transient disks before it looks at any disk's storage.
        List<Violation> violations = new ArrayList<>();
        for (Verdict kind : List.of(Verdict.BLOCKED, Verdict.UNSAFE)) {
            for (DiskVerdict v : verdicts) {
                if (v.verdict() == kind) {
                    violations.add(new Violation(v.disk().target(), describe(v.disk()), v.reason(), v.message(), v.remedy()));
                }
            }
        }
        boolean blocked = verdicts.stream().anyMatch(v -> v.verdict() == Verdict.BLOCKED);
        boolean overridden = request.override().isPresent();

        List<Warning> warnings = new ArrayList<>();
        Decision ruleDecision;
        if (violations.isEmpty()) {
            ruleDecision = Decision.ALLOWED;
            if (overridden) {
                warnings.add(new Warning(WarningCode.OVERRIDE_NOT_NEEDED,
                        "an unsafe override was given but every disk is safe: it was not used"));
            }
        } else if (overridden && !blocked) {
            ruleDecision = Decision.ALLOWED_UNSAFE;
        } else {
            ruleDecision = Decision.DENIED;
            if (overridden) {
                warnings.add(new Warning(WarningCode.OVERRIDE_CANNOT_LIFT_BLOCK,
                        "the unsafe override cannot lift " + ReasonCode.TRANSIENT_DISK + ": libvirt refuses such disks"));
            }
        }
        if (ruleDecision != Decision.DENIED) {
            // libvirt refuses to copy such a disk only after its own safety check passed (or was switched off):
            // a domain the rule denies is answered with the denial, as libvirt answers with its refusal.
            checkCopiable(domain, request);
        }
        Decision decision = ruleDecision;
        if (ruleDecision == Decision.DENIED && policy.enforcement() == Enforcement.WARN) {
            decision = Decision.ALLOWED;
            warnings.add(new Warning(WarningCode.WOULD_DENY, "enforcement is warn: the rule denies this migration ("
                    + String.join(", ", Violation.reasonCodes(violations)) + ") but it is let through; libvirt's own check still applies"));
        }

        boolean unsafeFlag = needsUnsafeFlag(ruleDecision, verdicts);
        if (unsafeFlag && !host.acceptsUnsafeFlag()) {
            unsafeFlag = false;
            warnings.add(new Warning(WarningCode.UNSAFE_FLAG_NOT_SUPPORTED, "the source host's libvirt is older than"
                    + " 0.9.11 and would reject VIR_MIGRATE_UNSAFE; the flag is not sent (that libvirt has no check"
                    + " of its own to silence)"));
        } else if (decision != Decision.DENIED && !unsafeFlag && host.acceptsUnsafeFlag()) {
            warnLibvirtRefusals(verdicts, warnings);
        }
        return new Evaluation(decision, ruleDecision, policy.enforcement(), ruleDecision == Decision.ALLOWED_UNSAFE,
                verdicts, violations, warnings, LibvirtFlags.forMigration(request, unsafeFlag));
    }

    private DiskVerdict evaluateDisk(Disk disk, MigrationRequest request, Classification classification,
            SourceHostFacts host) {
        if (disk.transientDisk()) {
            return new DiskVerdict(disk, null, ReasonCode.TRANSIENT_DISK, TRANSIENT,
                    "remove <transient/> from the disk, or migrate the guest shut off; no override lifts this");
        }
        if (request.storageMigration().copiesDisks() && copied(disk, request)) {
            return new DiskVerdict(disk, null, ReasonCode.STORAGE_MIGRATED,
                    "the disk's contents are copied to the target (storage migration " + request.storageMigration().value()
                            + ")", null);
        }
        if (disk.isEmpty()) {
            return new DiskVerdict(disk, null, ReasonCode.EMPTY, "the disk has no source (no media): nothing to lose",
                    null);
        }
        if (disk.readonly()) {
            return new DiskVerdict(disk, null, ReasonCode.READONLY, "the disk is read-only: no write can be lost", null);
        }
        switch (classification.storageClass()) {
            case NETWORK:
                return new DiskVerdict(disk, classification, ReasonCode.NETWORK_STORAGE, "network storage ("
                        + (disk.source().protocol() != null ? disk.source().protocol() : declaredBy(classification))
                        + "): QEMU reaches the same image from either host", null);
            case CLUSTER:
                return new DiskVerdict(disk, classification, ReasonCode.CLUSTER_FS,
                        "on coherent cluster storage (" + declaredBy(classification) + ")", null);
            case LOCAL:
                if (policy.requireSharedStorage()) {
                    return new DiskVerdict(disk, classification, ReasonCode.STORAGE_NOT_SHARED,
                            UNSAFE_PREFIX + NOT_SHARED,
                            "copy the disk with storageMigration full or incremental, move it to shared storage"
                                    + " declared under gatekeeper.policy.filesystems or pools, or request an unsafe"
                                    + " override");
                }
                break;
            case SHARED:
            case OTHER:
                break;
        }
        if (disk.shareable()) {
            return new DiskVerdict(disk, classification, ReasonCode.SHAREABLE,
                    "the disk is shareable: its users coordinate writes, libvirt does not check its cache mode", null);
        }
        if (!policy.checkCacheMode()) {
            return new DiskVerdict(disk, classification, ReasonCode.CACHE_CHECK_DISABLED,
                    "the cache-mode check is switched off (gatekeeper.policy.check-cache-mode: false)", null);
        }
        if (policy.safeCacheModes().contains(disk.cache())) {
            return new DiskVerdict(disk, classification, ReasonCode.SAFE_CACHE_MODE,
                    "cache mode " + disk.cache().xmlValue() + " is safe: writes do not linger in the source host's page"
                            + " cache", null);
        }
        if (policy.honourDropCache() && host.dropsPageCache()) {
            return new DiskVerdict(disk, classification, ReasonCode.DROP_CACHE, "cache mode " + disk.cache().xmlValue()
                    + ": the source host's QEMU (4.0 or later) drops the page cache on migration", null);
        }
        return new DiskVerdict(disk, classification, ReasonCode.CACHE_MODE_UNSAFE, UNSAFE_PREFIX + CACHE_UNSAFE,
                "set <driver cache='none'/> (or another of " + cacheModes() + "), put the image on a cluster filesystem"
                        + " declared under gatekeeper.policy.filesystems, copy it with storage migration, or request an"
                        + " unsafe override");
    }

    /** libvirt's {@code qemuMigrationAnyCopyDisk}. */
    static boolean copied(Disk disk, MigrationRequest request) {
        if (request.migrateDisks() != null) {
            return request.migrateDisks().contains(disk.target());
        }
        return !disk.shareable() && !disk.readonly() && !disk.isEmpty();
    }

    /**
     * {@code VIR_MIGRATE_UNSAFE} switches libvirt's own check off for every disk, so it goes with a migration only
     * where the gatekeeper knows better than libvirt: an authorised override, or a disk the gatekeeper judged
     * safe on storage it classified network, cluster, shared or other, which libvirt, seeing less, would refuse.
     * Everywhere else libvirt's check stays on as a second line of defence (it also catches a wrong declaration).
     * Local storage never gets the flag without an override. A would-deny under {@code warn} gets none either:
     * libvirt's check still applies to the disks the rule judged unsafe.
     */
    private static boolean needsUnsafeFlag(Decision ruleDecision, List<DiskVerdict> verdicts) {
        if (ruleDecision == Decision.ALLOWED_UNSAFE) {
            return true;
        }
        if (ruleDecision != Decision.ALLOWED) {
            return false;
        }
        for (DiskVerdict v : verdicts) {
            if (v.libvirt().refuses() && v.classification() != null
                    && v.classification().storageClass() != StorageClass.LOCAL) {
                return true;
            }
        }
        return false;
    }

    /** Disks the rule allows on local storage (require-shared-storage off), which libvirt will refuse. */
    private static void warnLibvirtRefusals(List<DiskVerdict> verdicts, List<Warning> warnings) {
        for (DiskVerdict v : verdicts) {
            if (v.verdict() == Verdict.SAFE && v.libvirt().refuses()) {
                warnings.add(new Warning(WarningCode.LIBVIRT_WILL_REFUSE, "disk " + v.disk().target()
                        + " passes this policy, but libvirt refuses to migrate it without VIR_MIGRATE_UNSAFE (\""
                        + v.libvirt().message() + "\")"));
            }
        }
    }

    private void checkMigrateDisks(Domain domain, MigrationRequest request) {
        if (request.migrateDisks() == null) {
            return;
        }
        Set<String> targets = domain.disks().stream().map(Disk::target).collect(Collectors.toSet());
        List<String> unknown = request.migrateDisks().stream().filter(dev -> !targets.contains(dev)).toList();
        if (!unknown.isEmpty()) {
            throw new InvalidMigrationRequestException("migrateDisks", "the domain has no disk with target "
                    + String.join(", ", unknown) + " (its disks: " + String.join(", ", new TreeSet<>(targets)) + ")");
        }
    }

    /** libvirt copies every disk it is given and refuses one it cannot copy, naming the first in domain order. */
    private static void checkCopiable(Domain domain, MigrationRequest request) {
        if (request.migrateDisks() == null) {
            return;
        }
        List<Disk> uncopiable = domain.disks().stream()
                .filter(d -> request.migrateDisks().contains(d.target()) && (d.readonly() || d.isEmpty())).toList();
        if (!uncopiable.isEmpty()) {
            throw new InvalidMigrationRequestException("migrateDisks", "\"" + CANNOT_COPY + uncopiable.get(0).target()
                    + "\" (libvirt's words): " + uncopiable.stream().map(d -> d.target() + (d.isEmpty()
                            ? " has no source" : " is read-only")).collect(Collectors.joining(", "))
                    + "; leave " + (uncopiable.size() == 1 ? "it" : "them") + " out of migrateDisks");
        }
    }

    private static String declaredBy(Classification c) {
        return c.decidedBy();
    }

    private String cacheModes() {
        return policy.safeCacheModes().stream().map(CacheMode::xmlValue).collect(Collectors.joining(", "));
    }

    static String describe(Disk disk) {
        return disk.source() == null ? null : disk.source().describe();
    }
}
