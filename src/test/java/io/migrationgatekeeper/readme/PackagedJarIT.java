package io.migrationgatekeeper.readme;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.testsupport.Api;
import io.migrationgatekeeper.testsupport.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The jar that {@code ./mvnw package} builds (and the image runs), started with {@code java -jar} on its own class
 * path: the tests' class path has test-scoped libraries the jar lacks, so only this shows that the jar starts,
 * migrates its ledger and answers. (A test-scoped Jackson 2 once took Flyway's runtime dependency out of it.)
 */
class PackagedJarIT {

    @Test
    void theJarStartsAndServesWithTheGeneratedKey() throws IOException {
        Path jar;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            jar = files.filter(p -> p.getFileName().toString().matches("migration-gatekeeper-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no jar in target/: run ./mvnw verify (package comes first)"));
        }
        try (ServiceProcess service = ServiceProcess.start(command -> {
            List<String> java = new ArrayList<>(List.of(command.get(0), "-jar", jar.toString()));
            java.addAll(command.subList(4, command.size())); // after java -cp <class path> <main class>
            return java;
        }, "--spring.profiles.active=sample", "--spring.datasource.url=jdbc:h2:mem:packaged")) {
            Matcher key = Pattern.compile("Using generated API key \\(all scopes\\): (gk_[A-Za-z0-9_-]+)").matcher(service.log());
            assertThat(key.find()).as("the generated key is logged; log:%n%s", service.log()).isTrue();
            Api api = new Api(service.api().port(), key.group(1));

            assertThat(api.get("/v1/policy").status()).isEqualTo(200);
            assertThat(api.get("/v1/migrations").status()).as("the ledger answers").isEqualTo(200);
        }
    }
}
