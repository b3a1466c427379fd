package io.migrationgatekeeper.domainxml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migrationgatekeeper.policy.Disk;
import io.migrationgatekeeper.policy.Domain;
import io.migrationgatekeeper.policy.MigrationRequest;
import io.migrationgatekeeper.policy.SafetyRule;
import io.migrationgatekeeper.policy.StorageMigration;
import io.migrationgatekeeper.policy.TestPolicies;
import io.migrationgatekeeper.testsupport.LibvirtReadingTable;
import io.migrationgatekeeper.testsupport.LibvirtReadingTable.Case;
import io.migrationgatekeeper.testsupport.LibvirtReadingTable.ExpectedDisk;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The parser reads every case of the libvirt-reading table as libvirt 9.0 does (LibvirtDifferentialTest checks the
 * table itself against libvirt), and the rule decides on what libvirt would run.
 */
class LibvirtReadingTest {

    private static final DomainXmlParser PARSER = new DomainXmlParser(64);

    static List<Case> cases() {
        return LibvirtReadingTable.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void readsAsLibvirtDoes(Case c) {
        byte[] xml = c.xml().getBytes(StandardCharsets.UTF_8);
        if (c.refused() != null) {
            assertThatThrownBy(() -> PARSER.parse(xml))
                    .isInstanceOfSatisfying(DomainXmlException.class,
                            e -> assertThat(e.kind()).isEqualTo(DomainXmlException.Kind.INVALID))
                    .hasMessageContaining(c.refused());
            return;
        }
        Domain domain = PARSER.parse(xml);
        assertThat(domain.disks().stream().map(LibvirtReadingTest::expected).toList()).isEqualTo(c.disks());
        if (c.domainName() != null) {
            assertThat(domain.name()).isEqualTo(c.domainName());
        }
        if (c.uuid() != null) {
            assertThat(domain.uuid()).isEqualTo(c.uuid());
        }
        if (c.decision() != null) {
            var request = new MigrationRequest("kvm-a1", "kvm-a2", StorageMigration.NONE, null, false, null);
            var evaluation = new SafetyRule(TestPolicies.sample())
                    .evaluate(domain, request, TestPolicies.HOSTS.get("kvm-a1"));
            assertThat(evaluation.decision().name()).as(evaluation.toString()).isEqualTo(c.decision());
        }
    }

    static ExpectedDisk expected(Disk d) {
        return new ExpectedDisk(d.target(), d.bus(), d.type().xmlValue(), d.device().xmlValue(),
                d.source() == null ? "" : d.source().describe(), d.cache().xmlValue(), d.readonly(), d.shareable(),
                d.transientDisk());
    }
}
