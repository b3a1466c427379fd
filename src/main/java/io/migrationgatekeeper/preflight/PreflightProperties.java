package io.migrationgatekeeper.preflight;

import io.migrationgatekeeper.configuration.InvalidConfigurationException;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code gatekeeper.preflight.*}.
 *
 * @param maxBodyBytes largest request body read, XML or JSON; larger ones get 413 before they are parsed
 * @param maxDepth     deepest element nesting accepted in domain XML (backing chains nest one level per image)
 * @param maxDisks     most disks a domain XML may have, in preflights and migrations alike (both the live and the
 *                     destination definition); more is a 400, refused while the XML is read
 */
@ConfigurationProperties("gatekeeper.preflight")
record PreflightProperties(@DefaultValue("1MB") DataSize maxBodyBytes, @DefaultValue("256") int maxDepth,
        @DefaultValue("256") int maxDisks) {

    PreflightProperties {
        if (maxBodyBytes.toBytes() < 1024 || maxBodyBytes.toBytes() > DataSize.ofMegabytes(64).toBytes()) {
            throw new InvalidConfigurationException("gatekeeper.preflight.max-body-bytes",
                    "must be between 1KB and 64MB, is " + maxBodyBytes);
        }
        if (maxDisks < 1 || maxDisks > 10_000) {
            throw new InvalidConfigurationException("gatekeeper.preflight.max-disks",
                    "must be between 1 and 10000, is " + maxDisks);
        }
        if (maxDepth < 8 || maxDepth > 10_000) {
            throw new InvalidConfigurationException("gatekeeper.preflight.max-depth",
                    "must be between 8 and 10000, is " + maxDepth);
        }
    }
}
