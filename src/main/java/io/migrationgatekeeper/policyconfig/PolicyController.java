package io.migrationgatekeeper.policyconfig;

import io.migrationgatekeeper.inventory.HostInventory;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class PolicyController {

    private final EffectivePolicy policy;
    private final HostInventory inventory;

    PolicyController(EffectivePolicy policy, HostInventory inventory) {
        this.policy = policy;
        this.inventory = inventory;
    }

    @GetMapping(path = "/v1/policy", produces = MediaType.APPLICATION_JSON_VALUE)
    PolicyView policy() {
        return PolicyView.of(policy, inventory.all());
    }
}
