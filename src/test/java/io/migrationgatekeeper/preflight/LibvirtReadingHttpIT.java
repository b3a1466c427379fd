package io.migrationgatekeeper.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.testsupport.Api;
import io.migrationgatekeeper.testsupport.LibvirtReadingTable;
import io.migrationgatekeeper.testsupport.LibvirtReadingTable.Case;
import io.migrationgatekeeper.testsupport.LibvirtReadingTable.ExpectedDisk;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

/**
 * The libvirt-reading table over HTTP, in both request forms: what libvirt refuses is a 400 invalid-domain-xml in
 * libvirt's words; what it reads is evaluated on the disks libvirt would run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("sample")
class LibvirtReadingHttpIT {

    @LocalServerPort
    int port;

    Api api;

    @BeforeEach
    void client() {
        api = new Api(port);
    }

    @TestFactory
    Stream<DynamicTest> libvirtReadingTable() {
        return LibvirtReadingTable.all().stream().flatMap(c -> Stream.of(
                DynamicTest.dynamicTest("xml: " + c, () -> check(c,
                        api.postXml("/v1/preflight?sourceHost=kvm-a1&targetHost=kvm-a2", c.xml()))),
                DynamicTest.dynamicTest("json: " + c, () -> check(c, api.postJson("/v1/preflight",
                        Map.of("domainXml", c.xml(), "sourceHost", "kvm-a1", "targetHost", "kvm-a2"))))));
    }

    private static void check(Case c, Api.Reply reply) {
        if (c.refused() != null) {
            assertThat(reply.status()).as(reply.body()).isEqualTo(400);
            assertThat(reply.contentType()).startsWith("application/problem+json");
            JsonNode problem = reply.json();
            assertThat(problem.get("type").asString()).isEqualTo("urn:migration-gatekeeper:problem:invalid-domain-xml");
            assertThat(problem.get("detail").asString()).contains(c.refused());
            return;
        }
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode body = reply.json();
        List<ExpectedDisk> disks = new ArrayList<>();
        body.get("disks").forEach(d -> disks.add(new ExpectedDisk(d.get("target").asString(), d.get("bus").asString(),
                d.get("type").asString(), d.get("device").asString(),
                d.has("source") ? d.get("source").asString() : "", d.get("cache").asString(), false, false, false)));
        assertThat(disks).isEqualTo(c.disks().stream().map(e -> new ExpectedDisk(e.target(), e.bus(), e.type(),
                e.device(), e.source(), e.cache(), false, false, false)).toList());
        if (c.decision() != null) {
            assertThat(body.get("decision").asString()).isEqualTo(c.decision());
        }
        if (c.domainName() != null) {
            assertThat(body.get("domain").get("name").asString()).isEqualTo(c.domainName());
        }
    }
}
