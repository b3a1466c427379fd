package io.migrationgatekeeper.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Debian's sshd on a loopback port, with a throw-away user, host key and client key made here: a libvirt host
 * reached over SSH. The lab daemon runs as that user, so its session socket is the user's own. Everything (the
 * sshd by PID, the user, the keys) is removed in {@link #close()}.
 */
public final class SshLab implements AutoCloseable {

    private final Path dir;
    private final String user;
    private final int port;
    private Process sshd;

    private SshLab(Path dir, String user, int port) {
        this.dir = dir;
        this.user = user;
        this.port = port;
    }

    public static boolean installed() {
        return Files.isExecutable(Path.of("/usr/sbin/sshd")) && Files.isExecutable(Path.of("/usr/bin/ssh-keygen"))
                && Files.isExecutable(Path.of("/usr/bin/nc"));
    }

    public static SshLab create() {
        try {
            Path dir = Files.createTempDirectory("gatekeeper-ssh-");
            String user = "gk-" + UUID.randomUUID().toString().substring(0, 8);
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            SshLab lab = new SshLab(dir, user, port);
            run("useradd", "--no-create-home", "--home-dir", dir.resolve("home").toString(), "--shell", "/bin/sh", user);
            // useradd leaves the account locked ("!"), and sshd refuses locked accounts: no password, but not locked.
            run("usermod", "-p", "*", user);
            Files.createDirectories(dir.resolve("home"));
            run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("host_key").toString());
            run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("id_ed25519").toString());
            run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("other_host_key").toString());
            Files.copy(dir.resolve("id_ed25519.pub"), dir.resolve("authorized_keys"));
            Files.writeString(dir.resolve("known_hosts"), "[127.0.0.1]:" + port + " " + publicKey("host_key.pub", dir) + "\n");
            Files.writeString(dir.resolve("wrong_known_hosts"), "[127.0.0.1]:" + port + " "
                    + publicKey("other_host_key.pub", dir) + "\n");
            Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                    "Port " + port,
                    "ListenAddress 127.0.0.1",
                    "HostKey " + dir.resolve("host_key"),
                    "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                    "PidFile " + dir.resolve("sshd.pid"),
                    "StrictModes no",
                    "UsePAM no",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "AllowUsers " + user,
                    ""));
            run("chown", "-R", user + ":" + user, dir.resolve("home").toString());
            // sshd reads authorized_keys as the user: the directory must be passable and the file readable.
            run("chmod", "755", dir.toString());
            run("chmod", "644", dir.resolve("authorized_keys").toString());
            Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege separation directory
            lab.sshd = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
            lab.awaitListening();
            return lab;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String publicKey(String file, Path dir) throws IOException {
        String[] parts = Files.readString(dir.resolve(file)).strip().split("\\s+");
        return parts[0] + " " + parts[1];
    }

    private void awaitListening() {
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                if (!sshd.isAlive()) {
                    break;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        throw new IllegalStateException("sshd did not come up: " + log());
    }

    public String user() {
        return user;
    }

    public String uid() {
        return id("-u");
    }

    public String gid() {
        return id("-g");
    }

    public int port() {
        return port;
    }

    public Path keyFile() {
        return dir.resolve("id_ed25519");
    }

    public Path knownHosts() {
        return dir.resolve("known_hosts");
    }

    /** known_hosts with another key for this server: what a host key change (or a man in the middle) looks like. */
    public Path wrongKnownHosts() {
        return dir.resolve("wrong_known_hosts");
    }

    /**
     * The image's ssh client configuration ({@code deploy/ssh/ssh_config}) with its paths pointing at this lab's
     * files, and a command that runs ssh with it: libvirt's {@code command} URI parameter.
     */
    public Path sshCommandWithImageConfig(Path knownHosts) {
        try {
            String config = Files.readString(Path.of("deploy/ssh/ssh_config"))
                    .replace("/etc/gatekeeper/ssh/id_ed25519", keyFile().toString())
                    .replace("/etc/gatekeeper/ssh/known_hosts", knownHosts.toString());
            Path configFile = dir.resolve("ssh_config-" + knownHosts.getFileName());
            Files.writeString(configFile, config);
            Path command = dir.resolve("ssh-" + knownHosts.getFileName());
            Files.writeString(command, "#!/bin/sh\nexec ssh -F " + configFile + " \"$@\"\n");
            run("chmod", "755", command.toString());
            return command;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("sshd.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() {
        if (sshd != null) {
            sshd.destroy();
            try {
                sshd.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sshd.destroyForcibly();
        }
        LibvirtLab.exec(Duration.ofSeconds(30), "userdel", user);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory
        }
    }

    private String id(String flag) {
        return LibvirtLab.exec(Duration.ofSeconds(10), "id", flag, user).output().strip();
    }

    private static void run(String... command) {
        LibvirtLab.Result result = LibvirtLab.exec(Duration.ofSeconds(60), command);
        if (result.exit() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + result.output());
        }
    }

}
