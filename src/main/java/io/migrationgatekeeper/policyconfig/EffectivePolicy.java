package io.migrationgatekeeper.policyconfig;

import io.migrationgatekeeper.configuration.InvalidConfigurationException;
import io.migrationgatekeeper.inventory.HostInventory;
import io.migrationgatekeeper.inventory.InventoryHost;
import io.migrationgatekeeper.policy.FilesystemDeclaration;
import io.migrationgatekeeper.policy.InvalidPolicyException;
import io.migrationgatekeeper.policy.Policy;
import io.migrationgatekeeper.policy.PoolDeclaration;
import io.migrationgatekeeper.policy.SafetyRule;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The policy in force, its rule, and its revision: a digest of everything that can change a decision (the
 * policy and the hosts' drop-cache declarations), so a decision can be tied to the policy that made it.
 */
@Component
public class EffectivePolicy {

    private static final String PREFIX = "gatekeeper.policy.";

    private final Policy policy;
    private final SafetyRule rule;
    private final String revision;

    EffectivePolicy(PolicyProperties properties, HostInventory inventory) {
        this.policy = toPolicy(properties);
        this.rule = new SafetyRule(policy);
        this.revision = digest(policy, inventory);
    }

    public Policy policy() {
        return policy;
    }

    public SafetyRule rule() {
        return rule;
    }

    public String revision() {
        return revision;
    }

    static Policy toPolicy(PolicyProperties p) {
        List<FilesystemDeclaration> filesystems = new ArrayList<>();
        for (int i = 0; i < p.filesystems().size(); i++) {
            PolicyProperties.Filesystem fs = p.filesystems().get(i);
            String at = "filesystems[" + i + "].";
            filesystems.add(declare(at, () -> FilesystemDeclaration.of(fs.path(), fs.type(), fs.shared(), fs.cluster(),
                    fs.hosts())));
        }
        List<PoolDeclaration> pools = new ArrayList<>();
        for (int i = 0; i < p.pools().size(); i++) {
            PolicyProperties.Pool pool = p.pools().get(i);
            pools.add(declare("pools[" + i + "].", () -> PoolDeclaration.of(pool.name(), pool.storage(), pool.hosts())));
        }
        return declare("", () -> new Policy(p.enforcement(), p.requireSharedStorage(), p.checkCacheMode(),
                p.safeCacheModes(), p.honourDropCache(), p.allowUnsafeOverride(), p.networkProtocols(), filesystems,
                pools));
    }

    private static <T> T declare(String at, java.util.function.Supplier<T> declaration) {
        try {
            return declaration.get();
        } catch (InvalidPolicyException e) {
            throw new InvalidConfigurationException(PREFIX + at + e.field(), e.getMessage());
        }
    }

    private static String digest(Policy policy, HostInventory inventory) {
        StringBuilder canonical = new StringBuilder(policy.toString());
        for (InventoryHost host : inventory.all()) {
            canonical.append('\n').append(host.name()).append(" qemu-drop-cache=").append(host.qemuDropCache());
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
