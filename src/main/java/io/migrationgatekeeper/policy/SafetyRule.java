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
     * @throws InvalidMigrationRequestException when {@code migrateDisks} names a disk the domain does not have
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
            verdicts.add(request.offline()
                    ? new DiskVerdict(disk, null, ReasonCode.OFFLINE_MIGRATION,
                            "offline migration: no guest is running, libvirt skips the disk checks", null)
                    : evaluateDisk(disk, request, host));
        }

        List<Violation> violations = new ArrayList<>();
        for (DiskVerdict v : verdicts) {
            if (v.verdict() != Verdict.SAFE) {
                violations.add(new Violation(v.disk().target(), describe(v.disk()), v.reason(), v.message(), v.remedy()));
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
        Decision decision = ruleDecision;
        if (ruleDecision == Decision.DENIED && policy.enforcement() == Enforcement.WARN) {
            decision = Decision.ALLOWED;
            warnings.add(new Warning(WarningCode.WOULD_DENY, "enforcement is warn: the rule denies this migration ("
                    + String.join(", ", Violation.reasonCodes(violations)) + ") but it is let through; libvirt's own check still applies"));
        }

        boolean unsafeFlag = decision != Decision.DENIED && needsUnsafeFlag(decision, verdicts);
        if (unsafeFlag && !host.acceptsUnsafeFlag()) {
            unsafeFlag = false;
            warnings.add(new Warning(WarningCode.UNSAFE_FLAG_NOT_SUPPORTED, "the source host's libvirt is older than"
                    + " 0.9.11 and would reject VIR_MIGRATE_UNSAFE; the flag is not sent (that libvirt has no check"
                    + " of its own to silence)"));
        }
        if (decision != Decision.DENIED && !unsafeFlag) {
            warnLibvirtRefusals(verdicts, warnings);
        }
        return new Evaluation(decision, ruleDecision, policy.enforcement(), ruleDecision == Decision.ALLOWED_UNSAFE,
                verdicts, violations, warnings, LibvirtFlags.forMigration(request, unsafeFlag));
    }

    private DiskVerdict evaluateDisk(Disk disk, MigrationRequest request, SourceHostFacts host) {
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
        Classification classification = classifier.classify(disk, request.sourceHost());
        switch (classification.storageClass()) {
            case NETWORK:
                return new DiskVerdict(disk, classification, ReasonCode.NETWORK_STORAGE, "network storage ("
                        + disk.source().protocol() + "): QEMU reaches the same image from either host", null);
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
    private static boolean copied(Disk disk, MigrationRequest request) {
        if (request.migrateDisks() != null) {
            return request.migrateDisks().contains(disk.target());
        }
        return !disk.shareable() && !disk.readonly() && !disk.isEmpty();
    }

    /**
     * {@code VIR_MIGRATE_UNSAFE} goes with the migration only where this gatekeeper knows better than libvirt's
     * own check; otherwise libvirt's check stays as a second line of defence. Pool declarations never add it:
     * libvirt resolves a volume's storage itself.
     */
    private static boolean needsUnsafeFlag(Decision decision, List<DiskVerdict> verdicts) {
        if (decision == Decision.ALLOWED_UNSAFE) {
            return true;
        }
        for (DiskVerdict v : verdicts) {
            switch (v.reason()) {
                case CACHE_CHECK_DISABLED, DROP_CACHE -> {
                    return true;
                }
                case CLUSTER_FS -> {
                    if (v.classification().filesystem() != null) {
                        return true;
                    }
                }
                default -> {
                }
            }
            if (v.classification() != null && v.classification().hiddenFromLibvirt()) {
                return true;
            }
        }
        return false;
    }

    private static void warnLibvirtRefusals(List<DiskVerdict> verdicts, List<Warning> warnings) {
        for (DiskVerdict v : verdicts) {
            if (v.verdict() == Verdict.SAFE && v.classification() != null
                    && v.classification().storageClass() == StorageClass.LOCAL) {
                warnings.add(new Warning(WarningCode.LIBVIRT_WILL_REFUSE, "disk " + v.disk().target()
                        + " is on local storage: libvirt refuses to migrate it without VIR_MIGRATE_UNSAFE (\""
                        + UNSAFE_PREFIX + NOT_SHARED + "\")"));
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

    private static String declaredBy(Classification c) {
        if (c.filesystem() != null) {
            return c.filesystem().type() + " filesystem declared at " + c.filesystem().path();
        }
        return "pool " + c.pool().name() + " declared " + c.pool().storage().value();
    }

    private String cacheModes() {
        return policy.safeCacheModes().stream().map(CacheMode::xmlValue).collect(Collectors.joining(", "));
    }

    static String describe(Disk disk) {
        return disk.source() == null ? null : disk.source().describe();
    }
}
