package io.migrationgatekeeper.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.migrationgatekeeper.MigrationGatekeeperApplication;
import io.migrationgatekeeper.testsupport.Api;
import io.migrationgatekeeper.testsupport.LibvirtLab;
import io.migrationgatekeeper.testsupport.RequiresLibvirt;
import io.migrationgatekeeper.testsupport.SshLab;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A lab daemon reached over SSH, as production hosts are: Debian's sshd on a loopback port with a throw-away
 * user, host key and client key; the daemon runs as that user. Each SSH transport of libvirt with the URI
 * parameters the README gives: the host is UP and a preflight by domain name reads the domain. A host key that
 * is not the one in known_hosts is refused.
 */
@RequiresLibvirt(daemons = true)
class SshTransportIT {

    private static SshLab ssh;
    private static LibvirtLab lab;
    private static ConfigurableApplicationContext service;
    private static Api api;

    @BeforeAll
    static void start() {
        org.junit.jupiter.api.Assumptions.assumeTrue(SshLab.installed() || "true".equals(System.getenv("CI")),
                "needs openssh-server, openssh-client and netcat-openbsd (.ci/run installs them)");
        ssh = SshLab.create();
        lab = LibvirtLab.create(ssh.uid(), ssh.gid()).start();
        lab.defineAndStartDisklessGuest(lab.a(), "ssh-guest");
        String target = ssh.user() + "@127.0.0.1:" + ssh.port() + "/session?socket=" + lab.a().socket();
        service = new SpringApplicationBuilder(MigrationGatekeeperApplication.class).properties(
                "server.port=0",
                "gatekeeper.libvirt.call-timeout=30s",
                "gatekeeper.hosts.over-libssh2.uri=qemu+libssh2://" + target + "&keyfile=" + ssh.keyFile()
                        + "&known_hosts=" + ssh.knownHosts() + "&sshauth=privkey",
                "gatekeeper.hosts.over-libssh.uri=qemu+libssh://" + target + "&keyfile=" + ssh.keyFile()
                        + "&known_hosts=" + ssh.knownHosts() + "&sshauth=privkey",
                "gatekeeper.hosts.over-openssh.uri=qemu+ssh://" + target + "&keyfile=" + ssh.keyFile()
                        + "&command=" + ssh.sshCommandWithImageConfig(ssh.knownHosts()),
                "gatekeeper.hosts.wrong-host-key.uri=qemu+libssh2://" + target + "&keyfile=" + ssh.keyFile()
                        + "&known_hosts=" + ssh.wrongKnownHosts() + "&sshauth=privkey",
                "gatekeeper.hosts.wrong-host-key-openssh.uri=qemu+ssh://" + target + "&keyfile=" + ssh.keyFile()
                        + "&command=" + ssh.sshCommandWithImageConfig(ssh.wrongKnownHosts()),
                "gatekeeper.hosts.target.uri=test:///default").run();
        api = new Api(((WebServerApplicationContext) service).getWebServer().getPort());
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        if (lab != null) {
            lab.close();
        }
        if (ssh != null) {
            ssh.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"over-libssh2", "over-libssh", "over-openssh"})
    void theHostIsUpAndItsDomainsAreReadable(String host) {
        Api.Reply status = probed(host);

        assertThat(status.status()).as(status.body()).isEqualTo(200);
        JsonNode connection = status.json().get("connection");
        assertThat(connection.get("state").asString()).as("%s; sshd log:%n%s", status.body(), ssh.log())
                .isEqualTo("CONNECTED");
        assertThat(status.json().get("uri").asString()).doesNotContain(ssh.user() + "@");
        Api.Reply preflight = api.postJson("/v1/preflight", Map.of("domain", Map.of("host", host, "name", "ssh-guest"),
                "targetHost", "target"));
        assertThat(preflight.status()).as(preflight.body()).isEqualTo(200);
        assertThat(preflight.json().get("decision").asString()).isEqualTo("ALLOWED");
        assertThat(preflight.json().get("definition").get("active").asBoolean()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"wrong-host-key", "wrong-host-key-openssh"})
    void aHostKeyNotInKnownHostsIsRefused(String host) {
        Api.Reply status = probed(host);

        assertThat(status.json().get("connection").get("state").asString()).isEqualTo("DISCONNECTED");
        assertThat(status.json().get("connection").get("lastError").asString().toLowerCase())
                .containsAnyOf("host key", "known_hosts", "hostkey", "mismatch");
        Api.Reply preflight = api.postJson("/v1/preflight", Map.of("domain", Map.of("host", host, "name", "ssh-guest"),
                "targetHost", "target"));
        assertThat(preflight.status()).isEqualTo(503);
    }

    @Test
    void theLabUserIsThrowAway() {
        assertThat(ssh.user()).startsWith("gk-");
    }

    /** The host as the background probe left it, once it has been probed (the first round runs within 5 s of start). */
    private static Api.Reply probed(String host) {
        return await().atMost(java.time.Duration.ofSeconds(60)).until(() -> api.get("/v1/hosts/" + host),
                reply -> reply.status() != 200
                        || !"IDLE".equals(reply.json().get("connection").get("state").asString()));
    }
}
