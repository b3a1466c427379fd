package io.migrationgatekeeper.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.testsupport.Api;
import io.migrationgatekeeper.testsupport.RuleCase;
import io.migrationgatekeeper.testsupport.RuleTable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.TestFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The rule table over real HTTP, in both request forms, under each policy variant: the sample policy of
 * application-sample.yaml with one switch changed per nested class, as an operator would change it.
 */
class RuleTableHttpIT {

    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @ActiveProfiles("sample")
    abstract static class Variant {

        @LocalServerPort
        int port;

        Api api;

        @BeforeEach
        void client() {
            api = new Api(port);
        }

        abstract String variant();

        @TestFactory
        Stream<DynamicTest> ruleTable() {
            List<RuleCase> cases = RuleTable.forPolicy(variant());
            assertThat(cases).as("cases for " + variant()).isNotEmpty();
            return cases.stream().flatMap(c -> Stream.of(
                    DynamicTest.dynamicTest("xml: " + c.name(), () -> check(c, api.postXml(xmlQuery(c), c.domainXml()))),
                    DynamicTest.dynamicTest("json: " + c.name(), () -> check(c, api.postJson("/v1/preflight", json(c))))));
        }

        private static void check(RuleCase c, Api.Reply reply) {
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            JsonNode body = reply.json();
            List<String> reasons = new ArrayList<>();
            body.get("disks").forEach(d -> reasons.add(d.get("reason").asString()));
            assertThat(reasons).as("reasons").containsExactlyElementsOf(c.reasons());
            assertThat(body.get("decision").asString()).as("decision").isEqualTo(c.decision());
            assertThat(body.get("ruleDecision").asString()).as("rule decision").isEqualTo(c.ruleDecision());
            assertThat(body.get("libvirtFlags").get("unsafe").asBoolean()).as("unsafe flag").isEqualTo(c.unsafeFlag());
            List<String> warnings = new ArrayList<>();
            body.get("warnings").forEach(w -> warnings.add(w.get("code").asString()));
            assertThat(warnings).as("warnings").containsExactlyInAnyOrderElementsOf(c.warnings());
            if (c.flags() != null) {
                assertThat(body.get("libvirtFlags").get("value").asInt()).as("flags").isEqualTo(c.flags());
            }
            List<String> violations = new ArrayList<>();
            body.get("violations").forEach(v -> violations.add(v.get("reason").asString()));
            assertThat(violations).as("violations").containsExactlyElementsOf(c.violations());
            List<String> libvirt = new ArrayList<>();
            body.get("disks").forEach(d -> libvirt.add(d.get("libvirtVerdict").get("reason").asString()));
            assertThat(libvirt).as("libvirtVerdict").containsExactlyElementsOf(c.libvirtReasons());
        }

        private static String xmlQuery(RuleCase c) {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("sourceHost", c.sourceHost());
            query.put("targetHost", c.targetHost());
            query.put("storageMigration", c.storageMigration());
            query.put("migrateDisks", c.migrateDisks() == null ? null : String.join(",", c.migrateDisks()));
            query.put("offline", c.offline() ? "true" : null);
            query.put("unsafeReason", c.unsafeReason());
            StringBuilder path = new StringBuilder("/v1/preflight");
            char sep = '?';
            for (var e : query.entrySet()) {
                if (e.getValue() != null) {
                    path.append(sep).append(e.getKey()).append('=')
                            .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
                    sep = '&';
                }
            }
            return path.toString();
        }

        private static Map<String, Object> json(RuleCase c) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("domainXml", c.domainXml());
            if (c.sourceHost() != null) {
                body.put("sourceHost", c.sourceHost());
            }
            if (c.targetHost() != null) {
                body.put("targetHost", c.targetHost());
            }
            body.put("storageMigration", c.storageMigration());
            if (c.migrateDisks() != null) {
                body.put("migrateDisks", c.migrateDisks());
            }
            body.put("offline", c.offline());
            if (c.unsafeReason() != null) {
                body.put("unsafe", Map.of("reason", c.unsafeReason()));
            }
            return body;
        }
    }

    @Nested
    class SamplePolicy extends Variant {
        String variant() {
            return "sample";
        }
    }

    @Nested
    @TestPropertySource(properties = "gatekeeper.policy.enforcement=warn")
    class Warn extends Variant {
        String variant() {
            return "warn";
        }
    }

    @Nested
    @TestPropertySource(properties = "gatekeeper.policy.require-shared-storage=false")
    class SharedStorageNotRequired extends Variant {
        String variant() {
            return "shared-not-required";
        }
    }

    @Nested
    @TestPropertySource(properties = "gatekeeper.policy.check-cache-mode=false")
    class CacheCheckOff extends Variant {
        String variant() {
            return "cache-check-off";
        }
    }

    @Nested
    @TestPropertySource(properties = "gatekeeper.policy.honour-drop-cache=true")
    class DropCache extends Variant {
        String variant() {
            return "drop-cache";
        }
    }

    @Nested
    @TestPropertySource(properties = "gatekeeper.policy.allow-unsafe-override=false")
    class OverridesDisabled extends Variant {
        String variant() {
            return "no-override";
        }

        @org.junit.jupiter.api.Test
        void anOverrideIsRefusedNotIgnored() {
            String xml = RuleTable.forPolicy("no-override").get(0).domainXml();
            Api.Reply xmlReply = api.postXml("/v1/preflight?unsafeReason=OPS-7", xml);
            Api.Reply jsonReply = api.postJson("/v1/preflight", Map.of("domainXml", xml, "unsafe", Map.of("reason", "OPS-7")));

            for (Api.Reply reply : List.of(xmlReply, jsonReply)) {
                assertThat(reply.status()).isEqualTo(403);
                assertThat(reply.json().get("type").asString()).isEqualTo("urn:migration-gatekeeper:problem:override-refused");
                assertThat(reply.json().get("detail").asString()).contains("allow-unsafe-override");
            }
        }
    }

    @Nested
    @TestPropertySource(properties = "gatekeeper.policy.network-protocols=rbd")
    class RbdOnly extends Variant {
        String variant() {
            return "rbd-only";
        }
    }

    @Nested
    @TestPropertySource(properties = "gatekeeper.policy.safe-cache-modes=none,directsync,writethrough")
    class WritethroughSafe extends Variant {
        String variant() {
            return "writethrough-safe";
        }
    }
}
