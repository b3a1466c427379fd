package io.migrationgatekeeper.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.testsupport.Api;
import io.migrationgatekeeper.testsupport.ServiceProcess;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** With no key and no issuer configured (the one-command run), a random key is generated and logged once. */
class GeneratedKeyIT {

    @Test
    void aGeneratedKeyIsLoggedOnceAndWorks() {
        // Only the main application.yaml: no test keys.
        try (ServiceProcess service = ServiceProcess.start("--spring.config.location=classpath:/application.yaml",
                "--spring.datasource.url=jdbc:h2:mem:generated;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE")) {
            Matcher m = Pattern.compile("Using generated API key \\(all scopes\\): (gk_[A-Za-z0-9_-]{43})")
                    .matcher(service.log());
            assertThat(m.find()).as(service.log()).isTrue();
            String key = m.group(1);
            assertThat(m.find()).as("logged once").isFalse();

            Api withKey = new Api(service.api().port(), key);
            assertThat(withKey.postXml("/v1/preflight", "<domain><name>d</name></domain>").status()).isEqualTo(200);
            assertThat(withKey.get("/v1/policy").status()).isEqualTo(200);
            assertThat(new Api(service.api().port(), null).get("/v1/policy").status()).isEqualTo(401);
            assertThat(new Api(service.api().port(), Api.TEST_KEY).get("/v1/policy").status())
                    .as("the test suite's key is not configured here").isEqualTo(401);
        }
    }
}
