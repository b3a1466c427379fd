package io.migrationgatekeeper.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A unix socket that accepts connections into its backlog and never answers: to libvirt, a daemon that hangs
 * (every call on it waits until the caller's timeout). Reach it as {@link #uri()}.
 */
public final class SilentDaemon implements AutoCloseable {

    private final Path dir;
    private final ServerSocketChannel socket;

    public SilentDaemon() {
        try {
            dir = Files.createTempDirectory("gatekeeper-silent-");
            socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            socket.bind(UnixDomainSocketAddress.of(dir.resolve("libvirt-sock")), 128);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String uri() {
        return "qemu+unix:///session?socket=" + dir.resolve("libvirt-sock");
    }

    @Override
    public void close() {
        try {
            socket.close();
            Files.deleteIfExists(dir.resolve("libvirt-sock"));
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temporary directory
        }
    }
}
