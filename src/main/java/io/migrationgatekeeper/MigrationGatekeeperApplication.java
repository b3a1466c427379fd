package io.migrationgatekeeper;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class MigrationGatekeeperApplication {

    public static void main(String[] args) {
        SpringApplication.run(MigrationGatekeeperApplication.class, args);
    }
}
