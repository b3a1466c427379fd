package io.migrationgatekeeper.bench;

import io.migrationgatekeeper.domainxml.DomainXmlParser;
import io.migrationgatekeeper.policy.CacheMode;
import io.migrationgatekeeper.policy.Domain;
import io.migrationgatekeeper.policy.Enforcement;
import io.migrationgatekeeper.policy.Evaluation;
import io.migrationgatekeeper.policy.FilesystemDeclaration;
import io.migrationgatekeeper.policy.MigrationRequest;
import io.migrationgatekeeper.policy.Policy;
import io.migrationgatekeeper.policy.PoolDeclaration;
import io.migrationgatekeeper.policy.SafetyRule;
import io.migrationgatekeeper.policy.SourceHostFacts;
import io.migrationgatekeeper.policy.StorageClass;
import io.migrationgatekeeper.policy.StorageMigration;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The preflight's CPU work on {@code examples/web01.xml} (4 disks): parsing, parsing plus the rule, and a raw StAX
 * pass over the same bytes as the floor. Run: {@code ./mvnw -Pbench verify} (see README, Performance).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PreflightBenchmark {

    private byte[] xml;
    private DomainXmlParser parser;
    private SafetyRule rule;
    private MigrationRequest request;
    private XMLInputFactory stax;

    @Setup
    public void setUp() throws Exception {
        xml = Files.readAllBytes(Path.of(System.getProperty("bench.domain", "examples/web01.xml")));
        parser = new DomainXmlParser(256);
        rule = new SafetyRule(new Policy(Enforcement.ENFORCE, true, true, List.of(CacheMode.NONE, CacheMode.DIRECTSYNC),
                false, true, List.of(),
                List.of(FilesystemDeclaration.of("/srv/gfs2", "gfs2", false, false, null),
                        FilesystemDeclaration.of("/srv/nfs", "nfs", false, false, null)),
                List.of(PoolDeclaration.of("ceph-vms", StorageClass.NETWORK, null))));
        request = new MigrationRequest("kvm-a1", "kvm-a2", StorageMigration.NONE, null, false, null);
        stax = XMLInputFactory.newDefaultFactory();
        stax.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    }

    @Benchmark
    public Domain parse() {
        return parser.parse(xml);
    }

    @Benchmark
    public Evaluation parseAndEvaluate() {
        return rule.evaluate(parser.parse(xml), request, new SourceHostFacts(true, true));
    }

    /** Every event of the document read and dropped: what any XML reader must at least do. */
    @Benchmark
    public void rawStax(Blackhole sink) throws Exception {
        XMLStreamReader reader = stax.createXMLStreamReader(new ByteArrayInputStream(xml));
        while (reader.hasNext()) {
            int event = reader.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                sink.consume(reader.getAttributeCount());
            }
        }
        reader.close();
    }
}
