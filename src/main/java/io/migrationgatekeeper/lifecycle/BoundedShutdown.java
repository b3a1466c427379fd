package io.migrationgatekeeper.lifecycle;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Component;

/**
 * Bounds the time from SIGTERM to exit. Spring closes the context in its own shutdown hook; this hook watches
 * that close and halts the JVM when it outlasts {@code gatekeeper.shutdown.timeout}, because a native libvirt call
 * to a host that accepts connections and never answers cannot be interrupted, and a pod that overstays its
 * terminationGracePeriodSeconds is SIGKILLed without its logs flushed. Migrations themselves run in libvirt and
 * are reconciled by the next replica, so nothing is lost by not waiting for them.
 */
@Component
class BoundedShutdown {

    private static final Logger log = LoggerFactory.getLogger(BoundedShutdown.class);

    BoundedShutdown(ShutdownProperties properties, ConfigurableApplicationContext context) {
        Duration timeout = properties.timeout();
        Thread watchdog = new Thread(() -> {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (context.isActive() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
            if (context.isActive()) {
                log.error("Shutdown did not finish within gatekeeper.shutdown.timeout ({} s); halting the process",
                        timeout.toSeconds());
                Runtime.getRuntime().halt(1);
            }
        }, "shutdown-watchdog");
        Runtime.getRuntime().addShutdownHook(watchdog);
    }
}
