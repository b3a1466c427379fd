package io.migrationgatekeeper.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Two real libvirt daemons on this machine and a tiny TCG guest: a migration lab. Each daemon runs in session
 * mode as user {@code nobody}, with its own XDG directories and {@code host_uuid} (libvirt refuses to migrate
 * to a host with the same UUID), reachable on a unix socket only. Everything is torn down by PID in
 * {@link #close()}. Needs root and the Debian packages {@link RequiresLibvirt} names.
 */
public final class LibvirtLab implements AutoCloseable {

    public static final String GUEST = "vm1";
    private static final String NOBODY = "65534";

    private final Path root;
    /** The uid and gid each daemon runs as: nobody, or a lab user that SSH logs in as. */
    private final String uid;
    private final String gid;
    private final boolean maskDropCache;
    private final Map<String, Daemon> daemons = new LinkedHashMap<>();
    private final List<Path> mounts = new ArrayList<>();

    /** One daemon: its directories, and its process while it runs. */
    public final class Daemon {
        private final String name;
        private final Path dir;
        private Process process;

        private Daemon(String name, String hostUuid) {
            this.name = name;
            this.dir = root.resolve(name);
            try {
                for (String sub : List.of("config/libvirt", "cache", "runtime", "home", "data")) {
                    Files.createDirectories(dir.resolve(sub));
                }
                Files.writeString(dir.resolve("config/libvirt/libvirtd.conf"), "host_uuid = \"" + hostUuid + "\"\n"
                        + "log_outputs = \"3:file:" + dir.resolve("libvirtd.log") + "\"\n");
                // QEMU logs straight to a file: no virtlogd needed. Masking migration-file-drop-cache makes libvirt
                // believe QEMU leaves the page cache alone, as QEMU before 4.0 did: its check then weighs cache modes.
                // Incoming migrations (and storage copies) listen on a range of this daemon's own, below the
                // ephemeral ports: labs of concurrent test runs must not take each other's ports.
                int ports = 10_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(312) * 64;
                Files.writeString(dir.resolve("config/libvirt/qemu.conf"), "stdio_handler = \"file\"\n"
                        + "migration_port_min = " + ports + "\nmigration_port_max = " + (ports + 63) + "\n"
                        + (maskDropCache ? "capability_filters = [ \"migration-file-drop-cache\" ]\n" : ""));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public String uri() {
            return "qemu+unix:///session?socket=" + socket();
        }

        public Path socket() {
            return dir.resolve("runtime/libvirt/libvirt-sock");
        }

        public long pid() {
            return process.pid();
        }

        /** Starts libvirtd and waits until it answers. */
        public void start() {
            try {
                Files.deleteIfExists(socket());
                List<String> command = List.of("setsid", "env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
                        "LANG=C.UTF-8", "HOME=" + dir.resolve("home"), "XDG_CONFIG_HOME=" + dir.resolve("config"),
                        "XDG_CACHE_HOME=" + dir.resolve("cache"), "XDG_RUNTIME_DIR=" + dir.resolve("runtime"),
                        "XDG_DATA_HOME=" + dir.resolve("data"), "setpriv", "--reuid=" + uid, "--regid=" + gid,
                        "--clear-groups", "/usr/sbin/libvirtd");
                run("chown", "-R", uid + ":" + gid, root.toString());
                run("chmod", "700", dir.resolve("runtime").toString());
                process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("stdout.log").toFile()).start();
                Instant deadline = Instant.now().plusSeconds(30);
                while (!answers()) {
                    if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException("libvirtd " + name + " did not come up: " + logs());
                    }
                    Thread.sleep(100);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        private boolean answers() {
            return Files.exists(socket()) && exec(Duration.ofSeconds(10), "virsh", "-q", "-c", uri(), "uri").exit() == 0;
        }

        /** SIGKILL: the daemon is gone at once, as in a crash (its guests keep running, as with a real crash). */
        public void kill() {
            signal("KILL");
            waitForExit();
        }

        /** SIGSTOP: the daemon still holds its socket but answers nothing, as a hung daemon. */
        public void freeze() {
            signal("STOP");
        }

        public void thaw() {
            signal("CONT");
        }

        /** How many clients the daemon has connected, from its admin socket ({@code virt-admin client-list}). */
        public int clients() {
            Result result = exec(Duration.ofSeconds(20), "setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                    "--clear-groups", "env", "HOME=" + dir.resolve("home"), "virt-admin", "-q", "-c",
                    "libvirtd:///session?socket=" + dir.resolve("runtime/libvirt/libvirt-admin-sock"), "client-list",
                    "libvirtd");
            if (result.exit() != 0) {
                throw new IllegalStateException("virt-admin client-list on " + name + " failed: " + result.output());
            }
            return (int) result.output().lines().filter(l -> l.matches("\\s*\\d+\\s.*")).count();
        }

        /** virsh's exit code and output, without judging them. */
        public Result tryVirsh(String... args) {
            List<String> command = new ArrayList<>(List.of("virsh", "-q", "-c", uri()));
            command.addAll(List.of(args));
            return exec(Duration.ofSeconds(120), command.toArray(String[]::new));
        }

        public String virsh(String... args) {
            List<String> command = new ArrayList<>(List.of("virsh", "-q", "-c", uri()));
            command.addAll(List.of(args));
            Result result = exec(Duration.ofSeconds(60), command.toArray(String[]::new));
            if (result.exit() != 0) {
                throw new IllegalStateException("virsh " + String.join(" ", args) + " on " + name + " failed: "
                        + result.output());
            }
            return result.output().strip();
        }

        String logs() {
            try {
                StringBuilder text = new StringBuilder();
                for (String file : List.of("stdout.log", "libvirtd.log")) {
                    Path path = dir.resolve(file);
                    if (Files.exists(path)) {
                        String content = Files.readString(path);
                        text.append("\n--- ").append(file).append('\n')
                                .append(content.length() > 4000 ? content.substring(content.length() - 4000) : content);
                    }
                }
                return text.toString();
            } catch (IOException e) {
                return e.toString();
            }
        }

        private void signal(String signal) {
            run("kill", "-" + signal, String.valueOf(process.pid()));
        }

        private void waitForExit() {
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    run("kill", "-KILL", String.valueOf(process.pid()));
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Guests first (their QEMU processes are children no signal to the daemon reaches), then the daemon. */
        private void stop() {
            if (process == null) {
                return;
            }
            thaw();
            if (process.isAlive()) {
                for (String guest : exec(Duration.ofSeconds(20), "virsh", "-q", "-c", uri(), "list", "--name").output()
                        .lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
                    exec(Duration.ofSeconds(20), "virsh", "-q", "-c", uri(), "destroy", guest);
                }
                signal("TERM");
                waitForExit();
            }
            // A guest whose daemon was killed keeps running: end it by the PID QEMU wrote.
            try (Stream<Path> pidFiles = Files.exists(dir.resolve("runtime/libvirt/qemu/run"))
                    ? Files.list(dir.resolve("runtime/libvirt/qemu/run")) : Stream.empty()) {
                pidFiles.filter(p -> p.toString().endsWith(".pid")).forEach(p -> {
                    try {
                        run("kill", "-KILL", Files.readString(p).strip());
                    } catch (IOException | IllegalStateException ignored) {
                        // already gone
                    }
                });
            } catch (IOException ignored) {
                // nothing to clean
            }
        }
    }

    private LibvirtLab(Path root, String uid, String gid, boolean maskDropCache) {
        this.root = root;
        this.uid = uid;
        this.gid = gid;
        this.maskDropCache = maskDropCache;
        daemons.put("A", new Daemon("A", "5a1c0000-0000-4000-8000-00000000000a"));
        daemons.put("B", new Daemon("B", "5a1c0000-0000-4000-8000-00000000000b"));
    }

    /** Lays out the lab's directories; nothing runs until {@link #start()}. */
    public static LibvirtLab create() {
        return create(NOBODY, NOBODY, false);
    }

    /** A lab whose daemons run as this uid and gid (numeric), e.g. a user an SSH server logs in as. */
    public static LibvirtLab create(String uid, String gid) {
        return create(uid, gid, false);
    }

    /**
     * @param maskDropCache hide QEMU's {@code migration-file-drop-cache} capability from both daemons
     *                      ({@code capability_filters} in qemu.conf), so their own check refuses cache modes other
     *                      than none and directsync on shared storage
     */
    public static LibvirtLab create(boolean maskDropCache) {
        return create(NOBODY, NOBODY, maskDropCache);
    }

    private static LibvirtLab create(String uid, String gid, boolean maskDropCache) {
        try {
            Path root = Files.createTempDirectory("gatekeeper-lab-");
            // The daemons' user must be able to reach their directories under it.
            run("chmod", "755", root.toString());
            return new LibvirtLab(root, uid, gid, maskDropCache);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path root() {
        return root;
    }

    /**
     * A FUSE mount of a fresh directory, with a filesystem subtype ({@code fuse.glusterfs}, {@code fuse.quobyte},
     * …): what libvirt's own check reads from the mount table to tell cluster and shared filesystems. Readable and
     * writable by the daemons' user. Unmounted in {@link #close()}. Needs bindfs and /dev/fuse.
     */
    public Path fuseMount(String name, String subtype) {
        Path source = root.resolve(name + "-backing");
        Path mount = root.resolve(name);
        try {
            Files.createDirectories(source);
            Files.createDirectories(mount);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run("chown", uid + ":" + gid, source.toString(), mount.toString());
        run("bindfs", "-o", "subtype=" + subtype + ",allow_other", source.toString(), mount.toString());
        mounts.add(mount);
        return mount;
    }

    /** Defines the domain XML on the daemon and starts it. */
    public void defineAndStart(Daemon daemon, String name, String domainXml) {
        Path xml = root.resolve(name + ".xml");
        try {
            Files.writeString(xml, domainXml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        daemon.virsh("define", xml.toString());
        daemon.virsh("start", name);
    }

    /** Writes a file the daemons may read (domain or pool XML for virsh). */
    public Path file(String name, String content) {
        Path file = root.resolve(name);
        try {
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run("chown", uid + ":" + gid, file.toString());
        return file;
    }

    /** A qcow2 image of {@code size} (e.g. 16M), owned by the daemons' user. */
    public void image(Path path, String format, String size) {
        run("qemu-img", "create", "-q", "-f", format, path.toString(), size);
        run("chown", uid + ":" + gid, path.toString());
    }

    public Daemon a() {
        return daemons.get("A");
    }

    public Daemon b() {
        return daemons.get("B");
    }

    public Path images() {
        return root.resolve("images");
    }

    /** Starts both daemons, warms their QEMU capability caches in parallel, and starts the guest on A. */
    public LibvirtLab start() {
        startDaemons();
        defineAndStartGuest(a(), GUEST, "writeback");
        return this;
    }

    /** Starts both daemons and warms their QEMU capability caches in parallel; no guest. */
    public LibvirtLab startDaemons() {
        try {
            Files.createDirectories(images());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        a().start();
        b().start();
        // The first QEMU call on a daemon probes QEMU's capabilities (about 4 s): both at once.
        Thread warmB = new Thread(() -> b().virsh("version"));
        warmB.start();
        a().virsh("version");
        try {
            warmB.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return this;
    }

    /** A 64 MiB TCG guest with one 16 MiB qcow2 disk on this machine's local filesystem. */
    public void defineAndStartGuest(Daemon daemon, String name, String cache) {
        Path image = images().resolve(name + ".qcow2");
        run("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "16M");
        run("chown", uid + ":" + gid, image.toString());
        Path xml = root.resolve(name + ".xml");
        try {
            Files.writeString(xml, guestXml(name, image, cache), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        daemon.virsh("define", xml.toString());
        daemon.virsh("start", name);
    }

    /**
     * A diskless 128 MiB guest whose "kernel" fills 110 MiB of its memory with pseudo-random data, once or over
     * and over: unlike an idle guest (zero pages cost nothing to send), its migration takes time a bandwidth
     * limit controls, and with {@code forever} it never converges under a low one.
     */
    public void defineAndStartBusyGuest(Daemon daemon, String name, boolean forever) {
        Path kernel = busyKernel(forever);
        Path xml = root.resolve(name + ".xml");
        try {
            Files.writeString(xml, "<domain type='qemu'>\n"
                    + "  <name>" + name + "</name>\n"
                    + "  <memory unit='MiB'>128</memory>\n"
                    + "  <vcpu>1</vcpu>\n"
                    + "  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + kernel + "</kernel></os>\n"
                    + "  <devices>\n"
                    + "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
                    + "    <memballoon model='none'/>\n"
                    + "  </devices>\n"
                    + "</domain>\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        daemon.virsh("define", xml.toString());
        daemon.virsh("start", name);
    }

    /** A multiboot ELF, assembled here (binutils), that writes an LCG sequence from 2 MiB to 112 MiB. */
    private Path busyKernel(boolean forever) {
        String name = forever ? "busy-forever" : "busy-once";
        Path elf = root.resolve(name + ".elf");
        if (Files.exists(elf)) {
            return elf;
        }
        Path source = root.resolve(name + ".S");
        Path object = root.resolve(name + ".o");
        try {
            Files.writeString(source, String.join("\n",
                    "    .section .text",
                    "    .code32",
                    "    .align 4",
                    "    .long 0x1BADB002",
                    "    .long 0x00000000",
                    "    .long -(0x1BADB002)",
                    "    .global _start",
                    "_start:",
                    "    cli",
                    "again:",
                    "    mov $0x00200000, %edi",
                    "    mov $12345, %eax",
                    "fill:",
                    "    imul $1103515245, %eax, %eax",
                    "    add $12345, %eax",
                    "    mov %eax, (%edi)",
                    "    add $4, %edi",
                    "    cmp $0x07000000, %edi",
                    "    jb fill",
                    forever ? "    jmp again" : "    jmp done",
                    "done:",
                    "    hlt",
                    "    jmp done",
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run("as", "--32", "-o", object.toString(), source.toString());
        run("ld", "-m", "elf_i386", "-Ttext", "0x100000", "-e", "_start", "-o", elf.toString(), object.toString());
        run("chown", uid + ":" + gid, elf.toString());
        return elf;
    }

    /** A 64 MiB guest with no disk at all: libvirt itself migrates it without VIR_MIGRATE_UNSAFE. */
    public void defineAndStartDisklessGuest(Daemon daemon, String name) {
        Path xml = root.resolve(name + ".xml");
        try {
            Files.writeString(xml, "<domain type='qemu'><name>" + name + "</name><memory unit='MiB'>64</memory>"
                    + "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
                    + "<emulator>/usr/bin/qemu-system-x86_64</emulator><memballoon model='none'/></devices></domain>",
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        daemon.virsh("define", xml.toString());
        daemon.virsh("start", name);
    }

    public static String guestXml(String name, Path image, String cache) {
        return "<domain type='qemu'>\n"
                + "  <name>" + name + "</name>\n"
                + "  <memory unit='MiB'>64</memory>\n"
                + "  <vcpu>1</vcpu>\n"
                + "  <os><type arch='x86_64' machine='pc'>hvm</type></os>\n"
                + "  <devices>\n"
                + "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
                + "    <disk type='file' device='disk'>\n"
                + "      <driver name='qemu' type='qcow2' cache='" + cache + "'/>\n"
                + "      <source file='" + image + "'/>\n"
                + "      <target dev='vda' bus='virtio'/>\n"
                + "    </disk>\n"
                + "    <memballoon model='none'/>\n"
                + "  </devices>\n"
                + "</domain>\n";
    }

    @Override
    public void close() {
        daemons.values().forEach(Daemon::stop);
        for (Path mount : mounts) {
            Result unmounted = exec(Duration.ofSeconds(20), "fusermount3", "-u", mount.toString());
            if (unmounted.exit() != 0) {
                exec(Duration.ofSeconds(20), "umount", "-l", mount.toString());
            }
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory; the OS cleans up what is left
        }
    }

    public record Result(int exit, String output) {}

    private static void run(String... command) {
        Result result = exec(Duration.ofSeconds(60), command);
        if (result.exit() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + result.output());
        }
    }

    static Result exec(Duration timeout, String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new Result(-1, String.join(" ", command) + " timed out");
            }
            return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        }
    }
}
