package io.migrationgatekeeper.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.testsupport.Api;
import io.migrationgatekeeper.testsupport.LibvirtLab;
import io.migrationgatekeeper.testsupport.RequiresLibvirt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The gatekeeper against libvirt's own check, on random guests in two-daemon labs: one where libvirt detects
 * QEMU's drop-cache capability, one where it is masked ({@code capability_filters}). Each lab has local storage
 * and three FUSE mounts: one libvirt reads as glusterfs (cluster), one as quobyte (shared), one of a type it does
 * not know (lizardfs, so local to it). Each random guest has 1 to 3 disks on them, in every cache mode, read-only,
 * shareable, transient or an empty CD-ROM, and is migrated with and without storage migration and
 * {@code migrateDisks} (copied disks go to a file of their own through a destination XML: both lab hosts share
 * one filesystem, and QEMU refuses to copy a disk onto itself).
 *
 * <ul>
 *   <li>With declarations that say what the mounts are (hosts {@code u-a}, {@code m-a}, …), the gatekeeper's
 *       decision and first reason, and its prediction of libvirt, equal what {@code virsh migrate} (no
 *       {@code --unsafe}) does on a fresh copy of the guest, every time.</li>
 *   <li>With every path declared a cluster filesystem of a type libvirt does not know (hosts {@code u-a-moose}, …),
 *       every migration the gatekeeper approves through {@code POST /v1/migrations} ends SUCCEEDED with the guest
 *       on the target, and every one it refuses leaves the guest running on the source.</li>
 * </ul>
 *
 * Seeded and reproducible: the seed is printed, and {@code -Ddifferential.seed=N} replays it;
 * {@code -Ddifferential.configurations=N} runs N configurations per lab (default 20).
 */
@RequiresLibvirt(daemons = true, fuse = true)
@AutoConfigureMetrics
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gatekeeper.policy.honour-drop-cache=true",
        "gatekeeper.migrations.poll-interval=200ms"})
class LibvirtDifferentialIT {

    static final long SEED = Long.getLong("differential.seed", System.currentTimeMillis() % 1_000_000);
    static final int CONFIGURATIONS = Integer.getInteger("differential.configurations", 20);

    private static final String NOT_SHARED = "Migration without shared storage is unsafe";
    private static final String CACHE = "Migration may lead to data corruption if disks use cache other than none or directsync";
    private static final String TRANSIENT = "migration with transient disk is not supported";
    private static final String CANNOT_COPY = "Cannot migrate empty or read-only disk";

    /** Where a disk's image lives. */
    enum Location { LOCAL, GLUSTER, QUOBYTE, LIZARD }

    enum Kind { PLAIN, READONLY, SHAREABLE, TRANSIENT, EMPTY_CDROM }

    record DiskSpec(String target, Location location, String cache, Kind kind) {

        boolean copiedByDefault() {
            return kind != Kind.SHAREABLE && kind != Kind.READONLY && kind != Kind.EMPTY_CDROM;
        }

        String format() {
            return kind == Kind.SHAREABLE ? "raw" : "qcow2";
        }
    }

    /** @param migrateDisks null: no list */
    record Configuration(int index, List<DiskSpec> disks, String storageMigration, List<String> migrateDisks) {

        boolean copied(DiskSpec disk) {
            if (storageMigration.equals("none")) {
                return false;
            }
            return migrateDisks != null ? migrateDisks.contains(disk.target()) : disk.copiedByDefault();
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder("#" + index + " storageMigration=" + storageMigration
                    + (migrateDisks == null ? "" : " migrateDisks=" + migrateDisks) + ":");
            for (DiskSpec d : disks) {
                s.append(' ').append(d.target()).append('[').append(d.kind() == Kind.EMPTY_CDROM ? "empty cdrom"
                        : d.location().name().toLowerCase() + (d.kind() == Kind.PLAIN ? "" : " " + d.kind().name().toLowerCase()))
                        .append(", cache ").append(d.cache() == null ? "(none given)" : d.cache()).append(']');
            }
            return s.toString();
        }
    }

    /** One lab: two daemons, their mounts, and the inventory names that reach them. */
    record Lab(String name, boolean masked, LibvirtLab lab, Map<Location, Path> dirs) {}

    private static final Lab DETECTED = lab("u", false);
    private static final Lab MASKED = lab("m", true);
    private static final Map<String, AtomicInteger> TALLY = new ConcurrentHashMap<>();
    private static Instant started;

    @LocalServerPort
    int port;

    private static Lab lab(String name, boolean masked) {
        return new Lab(name, masked, LibvirtLab.create(masked), new LinkedHashMap<>());
    }

    @DynamicPropertySource
    static void hostsAndDeclarations(DynamicPropertyRegistry registry) {
        int i = 0;
        for (Lab lab : List.of(DETECTED, MASKED)) {
            // The paths exist once the labs start; the declarations only need the names.
            Path root = lab.lab().root();
            for (String host : List.of("a", "b")) {
                String uri = host.equals("a") ? lab.lab().a().uri() : lab.lab().b().uri();
                for (String name : List.of(lab.name() + "-" + host, lab.name() + "-" + host + "-moose",
                        lab.name() + "-" + host + "-liar")) {
                    registry.add("gatekeeper.hosts." + name + ".uri", () -> uri);
                    registry.add("gatekeeper.hosts." + name + ".migration-address", () -> "127.0.0.1");
                    registry.add("gatekeeper.hosts." + name + ".qemu-drop-cache", () -> lab.masked() ? "false" : "auto");
                }
            }
            // What the mounts really are, for every host.
            i = declare(registry, i, root.resolve("gluster"), "glusterfs", false, null);
            i = declare(registry, i, root.resolve("quobyte"), "quobyte", false, null);
            // Every path a cluster filesystem libvirt does not know, for the -moose hosts only (at equal depth a
            // host-scoped entry wins).
            for (String dir : List.of("", "gluster", "quobyte", "lizard", "images")) {
                i = declare(registry, i, dir.isEmpty() ? root : root.resolve(dir), "moosefs", true, "*-moose");
            }
            // A declaration the hosts contradict, for the -liar hosts only: the local images directory as gfs2.
            i = declare(registry, i, root.resolve("images"), "gfs2", false, "*-liar");
        }
    }

    private static int declare(DynamicPropertyRegistry registry, int i, Path path, String type, boolean cluster,
            String hosts) {
        String at = "gatekeeper.policy.filesystems[" + i + "]";
        registry.add(at + ".path", path::toString);
        registry.add(at + ".type", () -> type);
        if (cluster) {
            registry.add(at + ".cluster", () -> "true");
        }
        if (hosts != null) {
            registry.add(at + ".hosts[0]", () -> hosts);
        }
        return i + 1;
    }

    @BeforeAll
    static void startLabs() throws InterruptedException {
        started = Instant.now();
        System.out.println("LibvirtDifferentialIT: seed " + SEED + ", " + CONFIGURATIONS + " configurations per lab."
                + " Replay: ./mvnw verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Dit.test=LibvirtDifferentialIT -Ddifferential.seed=" + SEED + " -Ddifferential.configurations="
                + CONFIGURATIONS);
        Thread other = new Thread(() -> start(MASKED));
        other.start();
        start(DETECTED);
        other.join();
    }

    private static void start(Lab lab) {
        lab.lab().startDaemons();
        lab.dirs().put(Location.LOCAL, lab.lab().images());
        lab.dirs().put(Location.GLUSTER, lab.lab().fuseMount("gluster", "glusterfs"));
        lab.dirs().put(Location.QUOBYTE, lab.lab().fuseMount("quobyte", "quobyte"));
        lab.dirs().put(Location.LIZARD, lab.lab().fuseMount("lizard", "lizardfs"));
    }

    @AfterAll
    static void stopLabs() {
        DETECTED.lab().close();
        MASKED.lab().close();
        System.out.println("LibvirtDifferentialIT: seed " + SEED + ", " + CONFIGURATIONS + " configurations per lab, "
                + Duration.between(started, Instant.now()).toSeconds() + " s; outcomes " + new TreeMap<>(tally()));
    }

    private static Map<String, Integer> tally() {
        Map<String, Integer> counts = new TreeMap<>();
        TALLY.forEach((k, v) -> counts.put(k, v.get()));
        return counts;
    }

    /**
     * Each lab works through its configurations on a thread of its own, both labs at once; each configuration's
     * two checks are reported as tests of their own, in order.
     */
    @TestFactory
    Stream<DynamicTest> gatekeeperAgreesWithLibvirt() {
        Api api = new Api(port);
        List<DynamicTest> tests = new ArrayList<>();
        for (Lab lab : List.of(DETECTED, MASKED)) {
            // One generator per lab, so a lab's configurations do not depend on the other's count.
            Random random = new Random(SEED * 31 + (lab.masked() ? 1 : 0));
            ExecutorService worker = Executors.newSingleThreadExecutor(task -> new Thread(task, "differential-" + lab.name()));
            for (int i = 1; i <= CONFIGURATIONS; i++) {
                Configuration c = generate(i, random);
                String what = (lab.masked() ? "drop-cache masked " : "drop-cache detected ") + c;
                CompletableFuture<Void> truthful = CompletableFuture.runAsync(() -> compareWithLibvirt(api, lab, c), worker);
                CompletableFuture<Void> unknownType = CompletableFuture.runAsync(() -> migrateThroughGatekeeper(api, lab, c),
                        worker);
                tests.add(DynamicTest.dynamicTest("truthful declarations, " + what, () -> outcome(truthful)));
                tests.add(DynamicTest.dynamicTest("unknown cluster type, " + what, () -> outcome(unknownType)));
            }
            worker.shutdown();
        }
        return tests.stream();
    }

    private static void outcome(CompletableFuture<Void> check) throws Throwable {
        try {
            check.get(10, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw e.getCause();
        }
    }

    static Configuration generate(int index, Random random) {
        int count = 1 + random.nextInt(3);
        List<DiskSpec> disks = new ArrayList<>();
        int cdroms = 0;
        String[] caches = {null, "none", "writethrough", "writeback", "directsync", "unsafe"};
        for (int d = 0; d < count; d++) {
            int roll = random.nextInt(100);
            Kind kind = roll < 50 ? Kind.PLAIN : roll < 63 ? Kind.READONLY : roll < 76 ? Kind.SHAREABLE
                    : roll < 86 ? Kind.TRANSIENT : Kind.EMPTY_CDROM;
            if (kind == Kind.EMPTY_CDROM && cdroms == 2) {
                // Machine 'pc' has one IDE controller: hdc and hdd are the CD-ROMs it can take (hde needs a second,
                // which libvirt refuses: "Only 1 IDE controller is supported"; seed 101205). Same draws as before,
                // so every other seed replays unchanged.
                kind = Kind.PLAIN;
            }
            Location location = Location.values()[random.nextInt(Location.values().length)];
            String cache = caches[random.nextInt(caches.length)];
            String target = kind == Kind.EMPTY_CDROM ? "hd" + (char) ('c' + cdroms++) : "vd" + (char) ('a' + d);
            disks.add(new DiskSpec(target, location, cache, kind));
        }
        int sm = random.nextInt(4);
        String storageMigration = sm < 2 ? "none" : sm == 2 ? "full" : "incremental";
        List<String> migrateDisks = null;
        if (!storageMigration.equals("none") && random.nextInt(5) < 2) {
            migrateDisks = new ArrayList<>();
            for (DiskSpec d : disks) {
                if (random.nextBoolean()) {
                    migrateDisks.add(d.target());
                }
            }
            if (migrateDisks.isEmpty()) {
                migrateDisks.add(disks.get(random.nextInt(disks.size())).target());
            }
        }
        return new Configuration(index, List.copyOf(disks), storageMigration, migrateDisks);
    }

    /**
     * A directory declared gfs2 that is local ext4: the gatekeeper predicts libvirt's check passes and sends no
     * flag; libvirt refuses; the job names the declaration and the disk, and the conflict is counted.
     */
    @Test
    void aDeclarationTheHostContradictsFailsTheJobNamingIt() {
        Api api = new Api(port);
        Lab lab = DETECTED;
        String guest = lab.name() + "-liar";
        try {
            startGuest(lab, guest, new Configuration(0, List.of(new DiskSpec("vda", Location.LOCAL, "writeback",
                    Kind.PLAIN)), "none", null));

            Api.Reply created = api.postJson("/v1/migrations", Map.of("domain", guest,
                    "sourceHost", lab.name() + "-a-liar", "targetHost", lab.name() + "-b-liar"));

            assertThat(created.status()).as(created.body()).isEqualTo(202);
            JsonNode disk = created.json().get("evaluation").get("live").get("disks").get(0);
            assertThat(disk.get("reason").asString()).isEqualTo("CLUSTER_FS");
            assertThat(disk.get("libvirtVerdict").get("reason").asString()).as("libvirt checks gfs2 itself")
                    .isEqualTo("CLUSTER_FS");
            assertThat(created.json().get("libvirtFlags").get("names").toString()).doesNotContain("VIR_MIGRATE_UNSAFE");
            JsonNode job = awaitEnd(api, created.json().get("id").asString());
            assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("FAILED");
            assertThat(job.get("error").get("code").asString()).isEqualTo("DECLARATION_CONFLICT");
            assertThat(job.get("error").get("message").asString()).contains(
                    "Unsafe migration: Migration without shared storage is unsafe (VIR_ERR_MIGRATE_UNSAFE)",
                    "the host contradicts gfs2 filesystem declared at " + lab.lab().images() + " for hosts *-liar (disk vda)");
            assertThat(lab.lab().a().virsh("domstate", guest)).isEqualTo("running");
            assertThat(api.get("/actuator/prometheus").body()).containsPattern(
                    "gatekeeper_declaration_conflicts_total\\{[^}]*declaration=\"" + lab.lab().images() + "\"[^}]*} 1\\.0");
        } finally {
            cleanUp(lab, guest);
        }
    }

    /** The gatekeeper's preflight, then libvirt's own answer on the same running guest. */
    private void compareWithLibvirt(Api api, Lab lab, Configuration c) {
        String guest = lab.name() + "-t" + c.index();
        LibvirtLab.Daemon a = lab.lab().a();
        LibvirtLab.Daemon b = lab.lab().b();
        try {
            startGuest(lab, guest, c);
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("domain", Map.of("host", lab.name() + "-a", "name", guest));
            request.put("targetHost", lab.name() + "-b");
            request.put("storageMigration", c.storageMigration());
            if (c.migrateDisks() != null) {
                request.put("migrateDisks", c.migrateDisks());
            }
            Api.Reply preflight = api.postJson("/v1/preflight", request);
            String expected = expectedOutcome(preflight);
            String predicted = predictedOutcome(preflight);

            List<String> command = new ArrayList<>(List.of("migrate", "--live", "--p2p", "--persistent",
                    "--undefinesource"));
            if (!c.storageMigration().equals("none")) {
                command.add(c.storageMigration().equals("full") ? "--copy-storage-all" : "--copy-storage-inc");
                if (c.migrateDisks() != null) {
                    command.addAll(List.of("--migrate-disks", String.join(",", c.migrateDisks())));
                }
                Path xml = destinationXml(lab, guest, c);
                if (xml != null) {
                    command.addAll(List.of("--xml", xml.toString()));
                }
            }
            command.addAll(List.of(guest, b.uri(), "--migrateuri", "tcp:127.0.0.1", "--listen-address", "127.0.0.1"));
            LibvirtLab.Result libvirt = a.tryVirsh(command.toArray(String[]::new));
            String actual = libvirtOutcome(libvirt);
            count("truthful " + actual);

            assertThat(expected).as("the gatekeeper's decision and first reason against libvirt (%s) for %s; preflight %s",
                    libvirt.output().strip(), c, preflight.body()).isEqualTo(actual);
            assertThat(predicted).as("the gatekeeper's prediction of libvirt for %s: %s", c, preflight.body())
                    .isEqualTo(actual);
            if (preflight.status() == 200) {
                assertThat(preflight.json().get("libvirtFlags").get("unsafe").asBoolean())
                        .as("no flag where libvirt sees what the gatekeeper knows").isFalse();
            }
            if (actual.equals("MIGRATED")) {
                assertThat(b.virsh("domstate", guest)).isEqualTo("running");
            }
        } finally {
            cleanUp(lab, guest);
        }
    }

    /** The gatekeeper decides and migrates a fresh copy of the guest, with every path declared moosefs. */
    private void migrateThroughGatekeeper(Api api, Lab lab, Configuration c) {
        String guest = lab.name() + "-g" + c.index();
        try {
            startGuest(lab, guest, c);
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("domain", guest);
            request.put("sourceHost", lab.name() + "-a-moose");
            request.put("targetHost", lab.name() + "-b-moose");
            request.put("storageMigration", c.storageMigration());
            if (c.migrateDisks() != null) {
                request.put("migrateDisks", c.migrateDisks());
            }
            if (!c.storageMigration().equals("none")) {
                Path xml = destinationXml(lab, guest, c);
                if (xml != null) {
                    try {
                        request.put("destinationXml", Files.readString(xml));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
            Api.Reply reply = api.postJson("/v1/migrations", request);
            assertThat(reply.status()).as(reply.body()).isIn(202, 400, 422);
            if (reply.status() == 202) {
                JsonNode job = awaitEnd(api, reply.json().get("id").asString());
                count("unknown-type " + job.get("state").asString());
                assertThat(job.get("state").asString()).as("an approved migration of %s: %s", c, job).isEqualTo("SUCCEEDED");
                assertThat(lab.lab().b().virsh("domstate", guest)).isEqualTo("running");
            } else {
                count("unknown-type refused " + reply.status());
                assertThat(lab.lab().a().virsh("domstate", guest)).as("a refused migration leaves %s on the source", c)
                        .isEqualTo("running");
            }
        } finally {
            cleanUp(lab, guest);
        }
    }

    /** What libvirt should do, if the gatekeeper is right: MIGRATED, or the refusal named by the first violation. */
    private static String expectedOutcome(Api.Reply preflight) {
        if (preflight.status() == 400) {
            assertThat(preflight.json().get("parameter").asString()).as(preflight.body()).isEqualTo("migrateDisks");
            return "REFUSED " + CANNOT_COPY;
        }
        assertThat(preflight.status()).as(preflight.body()).isEqualTo(200);
        JsonNode body = preflight.json();
        if (body.get("decision").asString().equals("ALLOWED")) {
            return "MIGRATED";
        }
        return "REFUSED " + words(body.get("violations").get(0).get("reason").asString());
    }

    /** What the gatekeeper predicts libvirt's own check says: the first disk libvirt would refuse, blocked first. */
    private static String predictedOutcome(Api.Reply preflight) {
        if (preflight.status() == 400) {
            return "REFUSED " + CANNOT_COPY;
        }
        JsonNode refusal = null;
        for (JsonNode disk : preflight.json().get("disks")) {
            JsonNode verdict = disk.get("libvirtVerdict");
            if (verdict.get("verdict").asString().equals("BLOCKED")) {
                return "REFUSED " + TRANSIENT;
            }
            if (refusal == null && verdict.get("verdict").asString().equals("UNSAFE")) {
                refusal = verdict;
            }
        }
        return refusal == null ? "MIGRATED" : "REFUSED " + words(refusal.get("reason").asString());
    }

    private static String words(String reason) {
        return switch (reason) {
            case "STORAGE_NOT_SHARED" -> NOT_SHARED;
            case "CACHE_MODE_UNSAFE" -> CACHE;
            case "TRANSIENT_DISK" -> TRANSIENT;
            default -> throw new AssertionError("not a refusal: " + reason);
        };
    }

    private static String libvirtOutcome(LibvirtLab.Result result) {
        if (result.exit() == 0) {
            return "MIGRATED";
        }
        for (String words : List.of(NOT_SHARED, CACHE, TRANSIENT, CANNOT_COPY)) {
            if (result.output().contains(words)) {
                return "REFUSED " + words;
            }
        }
        return "FAILED otherwise: " + result.output().strip();
    }

    private static void startGuest(Lab lab, String guest, Configuration c) {
        StringBuilder devices = new StringBuilder();
        for (DiskSpec d : c.disks()) {
            String cache = d.cache() == null ? "" : " cache='" + d.cache() + "'";
            if (d.kind() == Kind.EMPTY_CDROM) {
                devices.append("<disk type='file' device='cdrom'><driver name='qemu' type='raw'").append(cache)
                        .append("/><target dev='").append(d.target()).append("' bus='ide'/><readonly/></disk>\n");
                continue;
            }
            Path image = image(lab, guest, d);
            lab.lab().image(image, d.format(), "16M");
            devices.append("<disk type='file' device='disk'><driver name='qemu' type='").append(d.format()).append("'")
                    .append(cache).append("/><source file='").append(image).append("'/><target dev='")
                    .append(d.target()).append("' bus='virtio'/>")
                    .append(switch (d.kind()) {
                        case READONLY -> "<readonly/>";
                        case SHAREABLE -> "<shareable/>";
                        case TRANSIENT -> "<transient/>";
                        case PLAIN, EMPTY_CDROM -> "";
                    }).append("</disk>\n");
        }
        lab.lab().defineAndStart(lab.lab().a(), guest, "<domain type='qemu'><name>" + guest + "</name>"
                + "<memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os>"
                + "<devices><emulator>/usr/bin/qemu-system-x86_64</emulator>\n" + devices
                + "<memballoon model='none'/></devices></domain>");
    }

    private static Path image(Lab lab, String guest, DiskSpec d) {
        return lab.dirs().get(d.location()).resolve(guest + "-" + d.target() + "." + d.format());
    }

    /**
     * The running guest's definition with each disk libvirt copies pointed at a file of its own, created
     * beforehand (libvirt does not create it for incremental copies, and not in a directory without a pool).
     * Null when no disk is copied.
     */
    private static Path destinationXml(Lab lab, String guest, Configuration c) {
        String xml = lab.lab().a().virsh("dumpxml", "--migratable", guest);
        boolean any = false;
        for (DiskSpec d : c.disks()) {
            if (d.kind() == Kind.EMPTY_CDROM || !c.copied(d)) {
                continue;
            }
            Path source = image(lab, guest, d);
            Path copy = source.resolveSibling(guest + "-" + d.target() + ".copy." + d.format());
            lab.lab().image(copy, d.format(), "16M");
            xml = xml.replace("file='" + source + "'", "file='" + copy + "'");
            any = true;
        }
        return any ? lab.lab().file(guest + "-destination.xml", xml) : null;
    }

    private static void cleanUp(Lab lab, String guest) {
        for (LibvirtLab.Daemon daemon : List.of(lab.lab().a(), lab.lab().b())) {
            daemon.tryVirsh("destroy", guest);
            daemon.tryVirsh("undefine", guest);
        }
        for (Path dir : lab.dirs().values()) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(f -> f.getFileName().toString().startsWith(guest + "-")).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // the lab's directory goes with the lab
            }
        }
    }

    private static JsonNode awaitEnd(Api api, String id) {
        Instant deadline = Instant.now().plusSeconds(120);
        JsonNode job;
        do {
            job = api.get("/v1/migrations/" + id).json();
            if (Set.of("SUCCEEDED", "FAILED", "CANCELLED").contains(job.get("state").asString())) {
                return job;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("migration " + id + " did not end within 120 s: " + job);
    }

    private static void count(String outcome) {
        TALLY.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
    }
}
