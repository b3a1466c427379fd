package io.migrationgatekeeper.domainxml;

import io.migrationgatekeeper.policy.DiskSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code <source>} of a {@code network} disk as libvirt 9.0 reads it ({@code virDomainDiskSourceNetworkParse},
 * {@code virDomainStorageNetworkParseHost}), with the default ports libvirt fills in
 * ({@code virStorageSourceNetworkDefaultPort}).
 */
final class NetworkSource {

    /** libvirt's {@code virStorageNetProtocol} values after {@code none}, with their default ports (0: none). */
    enum Protocol {
        NBD(10809), RBD(0), SHEEPDOG(7000), GLUSTER(24007), ISCSI(3260), HTTP(80), HTTPS(443), FTP(21), FTPS(990),
        TFTP(69), SSH(22), VXHS(9999), NFS(0);

        final int defaultPort;

        Protocol(int defaultPort) {
            this.defaultPort = defaultPort;
        }

        String xmlValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Protocol fromXml(String value) {
            for (Protocol p : values()) {
                if (p.xmlValue().equals(value)) {
                    return p;
                }
            }
            return null;
        }

        static String allowedValues() {
            return String.join(", ", java.util.Arrays.stream(values()).map(Protocol::xmlValue).toList());
        }
    }

    private static final List<String> TRANSPORTS = List.of("tcp", "unix", "rdma");

    private NetworkSource() {}

    /** @return the source, or null for protocol {@code none}, which libvirt counts as no media */
    static DiskSource read(XmlNode source, Function<String, DomainXmlException> invalid) {
        String protocolValue = source.attribute("protocol");
        if (protocolValue == null) {
            throw invalid.apply("Missing required attribute 'protocol' in element 'source'");
        }
        Protocol protocol = "none".equals(protocolValue) ? null : Protocol.fromXml(protocolValue);
        if (protocol == null && !"none".equals(protocolValue)) {
            throw invalid.apply(DiskDefinition.invalidValue("protocol", "source", protocolValue)
                    + " libvirt's values: " + Protocol.allowedValues());
        }
        String name = source.attribute("name");
        if (name == null && protocol != Protocol.NBD) {
            throw invalid.apply("missing name for disk source");
        }
        List<String> hosts = new ArrayList<>();
        for (XmlNode host : source.all("host")) {
            hosts.add(host(host, protocol, invalid));
        }
        if (protocol == null) {
            return null;
        }
        // libvirt stores an RBD or Gluster name as pool (volume) and image, and insists on both.
        if (name != null && (protocol == Protocol.RBD || protocol == Protocol.GLUSTER) && name.indexOf('/') <= 0) {
            throw invalid.apply("can't split path '" + name + "' into pool name and image name");
        }
        if (name != null && name.isEmpty()) {
            if (protocol == Protocol.ISCSI) {
                // libvirt 9.0 drops the empty name, then virDomainPostParseCheckISCSIPath reads it: libvirtd crashes.
                throw invalid.apply("an iSCSI source with an empty name: libvirt 9.0 crashes reading it"
                        + " (virDomainPostParseCheckISCSIPath); give the target's IQN");
            }
            name = null;
        }
        // virDomainPostParseCheckISCSIPath: an iSCSI target without a LUN means LUN 0.
        if (protocol == Protocol.ISCSI && name != null && name.indexOf('/') < 0) {
            name = name + "/0";
        }
        return DiskSource.ofNetwork(protocol.xmlValue(), name, hosts);
    }

    private static String host(XmlNode host, Protocol protocol, Function<String, DomainXmlException> invalid) {
        String transport = host.attribute("transport");
        if (transport != null && !TRANSPORTS.contains(transport)) {
            throw invalid.apply("unknown protocol transport type '" + transport + "'");
        }
        String socket = host.attribute("socket");
        if ("unix".equals(transport)) {
            if (socket == null) {
                throw invalid.apply("missing socket for unix transport");
            }
            return "unix:" + socket;
        }
        if (socket != null) {
            throw invalid.apply("transport '" + (transport == null ? "tcp" : transport)
                    + "' does not support socket attribute");
        }
        String name = host.attribute("name");
        if (name == null) {
            throw invalid.apply("missing name for host");
        }
        int port = port(host.attribute("port"), protocol, invalid);
        String shown = name.indexOf(':') >= 0 ? "[" + name + "]" : name;
        return port == 0 ? shown : shown + ":" + port;
    }

    /** {@code virStringParsePort}: a decimal number up to 65535; absent or 0 takes the protocol's default. */
    private static int port(String value, Protocol protocol, Function<String, DomainXmlException> invalid) {
        int port = 0;
        if (value != null) {
            if (value.isEmpty() || value.length() > 10 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw invalid.apply("failed to parse port number '" + value + "'");
            }
            long parsed = Long.parseLong(value);
            if (parsed > 65535) {
                throw invalid.apply("port '" + value + "' out of range");
            }
            port = (int) parsed;
        }
        return port == 0 && protocol != null ? protocol.defaultPort : port;
    }
}
