package io.migrationgatekeeper.testsupport;

import java.util.List;
import java.util.Set;

/**
 * One row of {@code rules/rule-table.xml}: a domain, a request, a policy variant and what must come out.
 *
 * @param libvirtReasons libvirt's own verdict per disk, as the gatekeeper predicts it
 * @param violations     the violations' reasons in the order they are reported (libvirt's: blocked disks first)
 */
public record RuleCase(
        String name,
        String policy,
        String domainXml,
        String sourceHost,
        String targetHost,
        String storageMigration,
        List<String> migrateDisks,
        boolean offline,
        String unsafeReason,
        String decision,
        String ruleDecision,
        List<String> reasons,
        boolean unsafeFlag,
        Set<String> warnings,
        Integer flags,
        List<String> libvirtReasons,
        List<String> violations) {

    @Override
    public String toString() {
        return policy + ": " + name;
    }
}
