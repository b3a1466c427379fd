package io.migrationgatekeeper.readme;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.testsupport.Api;
import io.migrationgatekeeper.testsupport.RequiresLibvirt;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * Every request example of the README, read from the README itself (so examples added later are tested too),
 * run with bash as printed against the sample profile of the one-command run. Each curl's HTTP status is
 * recorded (through a curl wrapper that dumps the headers): a status of 400 or more, or a non-zero exit, fails the
 * example unless a {@code <!-- readme-example: exit N, status S -->} comment right before the block declares it.
 * A failure names the example by its section and first line.
 */
@RequiresLibvirt
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("sample")
class ReadmeExamplesIT {

    private static final Pattern BLOCK = Pattern.compile(
            "(?:<!-- readme-example:([^>]*)-->\\s*\\n)?```sh\\n(.*?)```", Pattern.DOTALL);

    @LocalServerPort
    int port;

    record Example(String section, int line, String script, int exit, Set<Integer> allowedStatuses) {

        @Override
        public String toString() {
            String first = script.lines().findFirst().orElse("");
            return "README line " + line + " (" + section + "): " + (first.length() > 70 ? first.substring(0, 70) + "…" : first);
        }
    }

    static Stream<Example> examples() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        List<Example> examples = new ArrayList<>();
        Matcher block = BLOCK.matcher(readme);
        while (block.find()) {
            String script = block.group(2);
            if (!script.contains("curl ") || !script.contains("localhost:8080")) {
                continue; // not a request to the one-command run (build commands, kubectl, helm)
            }
            String marker = block.group(1) == null ? "" : block.group(1);
            Matcher exit = Pattern.compile("exit (\\d+)").matcher(marker);
            Set<Integer> statuses = new TreeSet<>();
            Matcher status = Pattern.compile("status (\\d{3})").matcher(marker);
            while (status.find()) {
                statuses.add(Integer.parseInt(status.group(1)));
            }
            int line = readme.substring(0, block.start(2)).split("\n", -1).length;
            examples.add(new Example(section(readme, block.start()), line, script,
                    exit.find() ? Integer.parseInt(exit.group(1)) : 0, statuses));
        }
        assertThat(examples).as("request examples in the README").hasSizeGreaterThanOrEqualTo(5);
        return examples.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void worksAsPrinted(Example example, @TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path wrapper = bin.resolve("curl");
        Files.writeString(wrapper, "#!/bin/sh\nexec /usr/bin/curl --dump-header \"" + dir
                + "/headers.$$.$(date +%s%N)\" \"$@\"\n");
        wrapper.toFile().setExecutable(true);
        String script = example.script().replace("localhost:8080", "127.0.0.1:" + port);
        Files.writeString(dir.resolve("example.sh"), script);

        ProcessBuilder bash = new ProcessBuilder("bash", "-o", "pipefail", dir.resolve("example.sh").toString())
                .directory(Path.of("").toAbsolutePath().toFile()).redirectErrorStream(true);
        bash.environment().put("KEY", Api.TEST_KEY);
        bash.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process process = bash.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("%s finished", example).isTrue();
        List<Integer> statuses = statuses(dir);

        assertThat(process.exitValue()).as("exit status of %s; output:%n%s", example, output).isEqualTo(example.exit());
        assertThat(statuses).as("HTTP statuses of %s; output:%n%s", example, output).isNotEmpty()
                .allSatisfy(s -> assertThat(s < 400 || example.allowedStatuses().contains(s))
                        .as("HTTP %d in %s; output:%n%s", s, example, output).isTrue());
        Files.deleteIfExists(Path.of("preflight.json")); // what the CI example writes
    }

    private static List<Integer> statuses(Path dir) throws IOException {
        List<Integer> statuses = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("headers.")).sorted().toList()) {
                String first = Files.readString(file).lines().findFirst().orElse("HTTP/1.1 000");
                statuses.add(Integer.parseInt(first.split(" ")[1]));
            }
        }
        return statuses;
    }

    private static String section(String readme, int at) {
        int heading = Math.max(readme.lastIndexOf("\n## ", at), readme.lastIndexOf("\n### ", at));
        return heading < 0 ? "top" : readme.substring(heading + 1, readme.indexOf('\n', heading + 1)).strip();
    }
}
