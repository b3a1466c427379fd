package io.migrationgatekeeper;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/**
 * The package rules of the README's Development section, checked: each top-level package is a module, and no two
 * modules depend on each other in a cycle (Spring Modulith's {@code ApplicationModules.verify()}).
 */
class ModularityTest {

    @Test
    void modulesHaveNoCycles() {
        ApplicationModules.of(MigrationGatekeeperApplication.class).verify();
    }
}
