package io.migrationgatekeeper.libvirt;

import io.migrationgatekeeper.inventory.LibvirtUnavailableException;
import org.libvirt.Connect;
import org.libvirt.Library;
import org.libvirt.LibvirtException;
import org.libvirt.jna.Libvirt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The native libvirt client, loaded on first use so the service starts (and preflights XML) without it. Owns
 * the event loop thread that keepalive and close notifications need.
 */
@Component
class NativeLibvirt {

    private static final Logger log = LoggerFactory.getLogger(NativeLibvirt.class);

    /** Kept in a field: JNA does not keep callbacks reachable, and a collected one crashes the JVM. */
    private static final Libvirt.VirErrorCallback QUIET = (userData, error) -> {
        // libvirt prints every error to stderr by default; each one is reported through the call that failed.
    };

    private boolean initialised;
    private String missing;
    private long libraryVersion;

    /** @throws LibvirtUnavailableException when the native library cannot be loaded */
    synchronized long ensureLoaded() {
        if (!initialised) {
            initialised = true;
            try {
                libraryVersion = Library.getVersion();
                Connect.setErrorCallback(QUIET);
                Library.initEventLoop();
                Thread loop = new Thread(NativeLibvirt::runEventLoop, "libvirt-event-loop");
                loop.setDaemon(true);
                loop.start();
                log.info("libvirt client library {} loaded", Versions.format(libraryVersion));
            } catch (LinkageError | LibvirtException e) {
                missing = "the native libvirt client library cannot be used (Debian package libvirt0): " + e;
                log.warn("libvirt hosts are unavailable: {}", missing);
            }
        }
        if (missing != null) {
            throw new LibvirtUnavailableException(missing);
        }
        return libraryVersion;
    }

    private static void runEventLoop() {
        try {
            Library.runEventLoop();
        } catch (LibvirtException e) {
            log.error("libvirt event loop stopped: keepalive and close notifications no longer work", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
