package io.migrationgatekeeper.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.migrationgatekeeper.client.ApiClient;
import io.migrationgatekeeper.client.ApiException;
import io.migrationgatekeeper.client.api.DefaultApi;
import io.migrationgatekeeper.client.model.Decision;
import io.migrationgatekeeper.client.model.ListMigrations200Response;
import io.migrationgatekeeper.client.model.Migration;
import io.migrationgatekeeper.client.model.MigrationDeniedProblem;
import io.migrationgatekeeper.client.model.MigrationRequest;
import io.migrationgatekeeper.client.model.PreflightRequest;
import io.migrationgatekeeper.client.model.PreflightRequestDomain;
import io.migrationgatekeeper.client.model.PreflightResponse;
import io.migrationgatekeeper.client.model.Problem;
import io.migrationgatekeeper.client.model.ReasonCode;
import io.migrationgatekeeper.testsupport.Api;
import io.migrationgatekeeper.testsupport.LibvirtLab;
import io.migrationgatekeeper.testsupport.RequiresLibvirt;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Java client that openapi-generator 7.25.0 makes from openapi.yaml at build time, used as a portal team would
 * use theirs, against two real libvirt daemons: preflights in both forms, a denied and an approved migration with
 * polling, the migrations list page by page, and an error. If the contract and the service disagree, this fails
 * at compile time or when a response does not deserialise into the generated models.
 */
@RequiresLibvirt(daemons = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gatekeeper.hosts.lab-a.migration-address=127.0.0.1",
        "gatekeeper.hosts.lab-b.migration-address=127.0.0.1",
        "gatekeeper.migrations.poll-interval=200ms",
        "gatekeeper.migrations.orphan-after=10s",
        "gatekeeper.libvirt.call-timeout=5s"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GeneratedClientIT {

    private static final LibvirtLab LAB = LibvirtLab.create();
    private static final String LOCAL_DISK_XML = "<domain type='qemu'><name>client-xml</name><devices>"
            + "<disk type='file' device='disk'><driver name='qemu' type='qcow2' cache='none'/>"
            + "<source file='/var/lib/libvirt/images/x.qcow2'/><target dev='vda' bus='virtio'/></disk></devices></domain>";

    @LocalServerPort
    int port;

    ApiClient client;
    DefaultApi api;

    @DynamicPropertySource
    static void hosts(DynamicPropertyRegistry registry) {
        registry.add("gatekeeper.hosts.lab-a.uri", () -> LAB.a().uri());
        registry.add("gatekeeper.hosts.lab-b.uri", () -> LAB.b().uri());
    }

    @BeforeAll
    static void startLab() {
        LAB.start();
        LAB.defineAndStartDisklessGuest(LAB.a(), "client-diskless");
        LAB.defineAndStartGuest(LAB.a(), "client-local", "writeback");
    }

    @AfterAll
    static void stopLab() {
        LAB.close();
    }

    @BeforeEach
    void client() {
        client = new ApiClient();
        client.updateBaseUri("http://127.0.0.1:" + port);
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + Api.TEST_KEY));
        api = new DefaultApi(client);
    }

    @Test
    @Order(1)
    void preflightInJson() throws ApiException {
        PreflightResponse byXml = api.preflight(new PreflightRequest().domainXml(LOCAL_DISK_XML).sourceHost("lab-a")
                .targetHost("lab-b"), "client-json-1", null, null, null, null, null, null, null);
        PreflightResponse byName = api.preflight(new PreflightRequest().domain(new PreflightRequestDomain().host("lab-a")
                .name("client-diskless")).targetHost("lab-b"), null, null, null, null, null, null, null, null);

        assertThat(byXml.getDecision()).isEqualTo(Decision.DENIED);
        assertThat(byXml.getViolations()).singleElement()
                .satisfies(v -> assertThat(v.getReason()).isEqualTo(ReasonCode.STORAGE_NOT_SHARED));
        assertThat(byName.getDecision()).isEqualTo(Decision.ALLOWED);
        assertThat(byName.getDefinition().getActive()).isTrue();
    }

    @Test
    @Order(2)
    void preflightInXmlThroughTheGeneratedClientsTransport() throws Exception {
        // Code generators use a request body's first media type (JSON, which portals send); the XML form is the
        // same operation, sent here with the generated client's HTTP client, base URI and authentication.
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(client.getBaseUri()
                        + "/v1/preflight?sourceHost=lab-a&targetHost=lab-b&storageMigration=full"))
                .header("Content-Type", "application/xml").POST(HttpRequest.BodyPublishers.ofString(LOCAL_DISK_XML));
        client.getRequestInterceptor().accept(request);
        HttpResponse<String> response = client.getHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        PreflightResponse evaluation = client.getObjectMapper().readValue(response.body(), PreflightResponse.class);
        assertThat(evaluation.getDecision()).isEqualTo(Decision.ALLOWED);
        assertThat(evaluation.getDisks().get(0).getReason()).isEqualTo(ReasonCode.STORAGE_MIGRATED);
    }

    @Test
    @Order(3)
    void aDeniedMigrationIsA422WithTheEvaluation() throws Exception {
        ApiException denied = catchThrowableOfType(ApiException.class, () -> api.createMigration(new MigrationRequest()
                .domain("client-local").sourceHost("lab-a").targetHost("lab-b"), null, null));

        assertThat(denied.getCode()).isEqualTo(422);
        MigrationDeniedProblem problem = client.getObjectMapper().readValue(denied.getResponseBody(),
                MigrationDeniedProblem.class);
        assertThat(problem.getDecisionId()).isNotBlank();
        assertThat(problem.getEvaluation().getDecision()).isEqualTo(Decision.DENIED);
        assertThat(problem.getEvaluation().getLive().getViolations().get(0).getReason()).isEqualTo("STORAGE_NOT_SHARED");
    }

    @Test
    @Order(4)
    void anApprovedMigrationIsPolledToItsEnd() throws Exception {
        Migration there = migrate("lab-a", "lab-b");
        Migration back = migrate("lab-b", "lab-a");

        assertThat(there.getState()).isEqualTo(Migration.StateEnum.SUCCEEDED);
        assertThat(back.getState()).isEqualTo(Migration.StateEnum.SUCCEEDED);
        assertThat(there.getLibvirtFlags().getNames()).contains("VIR_MIGRATE_PEER2PEER").doesNotContain("VIR_MIGRATE_UNSAFE");
    }

    @Test
    @Order(5)
    void theMigrationsListPagesWithItsCursor() throws ApiException {
        ListMigrations200Response first = api.listMigrations(null, "client-diskless", null, null, 1, null);
        ListMigrations200Response second = api.listMigrations(null, "client-diskless", null, null, 1, first.getNextCursor());

        assertThat(first.getItems()).hasSize(1);
        assertThat(first.getNextCursor()).isNotBlank();
        assertThat(second.getItems()).hasSize(1);
        assertThat(second.getItems().get(0).getId()).isNotEqualTo(first.getItems().get(0).getId());
        assertThat(first.getItems().get(0).getTargetHost()).isEqualTo("lab-a"); // newest first: the way back
    }

    @Test
    @Order(6)
    void anErrorIsAProblemTheClientCanRead() throws Exception {
        ApiException missing = catchThrowableOfType(ApiException.class, () -> api.getMigration("no-such-job",
                "client-error-1"));

        assertThat(missing.getCode()).isEqualTo(404);
        Problem problem = client.getObjectMapper().readValue(missing.getResponseBody(), Problem.class);
        assertThat(problem.getType()).isEqualTo(Problem.TypeEnum.URN_MIGRATION_GATEKEEPER_PROBLEM_MIGRATION_NOT_FOUND);
        assertThat(problem.getRequestId()).isEqualTo("client-error-1");
        assertThat(missing.getResponseHeaders().firstValue("X-Request-Id")).contains("client-error-1");
    }

    private Migration migrate(String source, String target) throws Exception {
        Migration job = api.createMigration(new MigrationRequest().domain("client-diskless").sourceHost(source)
                .targetHost(target), null, null);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            job = api.getMigration(job.getId(), null);
            if (job.getState() != Migration.StateEnum.QUEUED && job.getState() != Migration.StateEnum.RUNNING) {
                return job;
            }
            Thread.sleep(250);
        }
        return job;
    }
}
