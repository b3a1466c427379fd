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
import io.migrationgatekeeper.preflight.PreflightResponse;
import io.migrationgatekeeper.preflight.PreflightService;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import tools.jackson.databind.json.JsonMapper;

/**
 * A preflight's own CPU work, step by step, for a 1-, a 4- ({@code examples/web01.xml}) and a 64-disk domain
 * ({@code bench/domains}): a raw StAX pass over the bytes (the floor any XML reader pays), parsing, the rule alone,
 * parsing plus the rule, and the whole answer (parse, rule, JSON response). Same input, same class, same JVM, so the
 * ratios hold on a loaded machine. Run: {@code ./mvnw -Pbench verify -DskipTests} (see README, Performance).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PreflightBenchmark {

    /** Disks in the domain: 1 and 64 from {@code bench/domains}, 4 is {@code examples/web01.xml}. */
    @Param({"1", "4", "64"})
    public int disks;

    private byte[] xml;
    private Domain domain;
    private DomainXmlParser parser;
    private SafetyRule rule;
    private MigrationRequest request;
    private SourceHostFacts facts;
    private XMLInputFactory stax;
    private XMLInputFactory aalto;
    private JsonMapper json;

    @Setup
    public void setUp() throws Exception {
        String file = switch (disks) {
            case 1 -> "bench/domains/one-disk.xml";
            case 4 -> "examples/web01.xml";
            case 64 -> "bench/domains/64-disks.xml";
            default -> throw new IllegalArgumentException("no domain with " + disks + " disks");
        };
        xml = Files.readAllBytes(Path.of(file));
        parser = new DomainXmlParser(256);
        // The sample profile's storage (application-sample.yaml), as in bench/preflight.sh.
        rule = new SafetyRule(new Policy(Enforcement.ENFORCE, true, true, List.of(CacheMode.NONE, CacheMode.DIRECTSYNC),
                false, true, List.of(),
                List.of(FilesystemDeclaration.of("/srv/gfs2", "gfs2", false, false, null),
                        FilesystemDeclaration.of("/srv/nfs", "nfs", false, false, null)),
                List.of(PoolDeclaration.of("ceph-vms", StorageClass.NETWORK, null))));
        request = new MigrationRequest("kvm-a1", "kvm-a2", StorageMigration.NONE, null, false, null);
        facts = new SourceHostFacts(true, true);
        domain = parser.parse(xml);
        if (domain.disks().size() != disks) {
            throw new IllegalStateException(file + " has " + domain.disks().size() + " disks, not " + disks);
        }
        stax = XMLInputFactory.newDefaultFactory();
        stax.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        aalto = new com.fasterxml.aalto.stax.InputFactoryImpl();
        aalto.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        json = JsonMapper.builder().build();
    }

    /** Every event of the document read and dropped, by the JDK's StAX reader: what any XML reader must at least do. */
    @Benchmark
    public void rawStax(Blackhole sink) throws Exception {
        pass(stax, sink);
    }

    /** The same pass by Aalto, the reader of the parser's fast path (ASCII documents: all three here). */
    @Benchmark
    public void rawStaxAalto(Blackhole sink) throws Exception {
        pass(aalto, sink);
    }

    private void pass(XMLInputFactory factory, Blackhole sink) throws Exception {
        XMLStreamReader reader = factory.createXMLStreamReader(new ByteArrayInputStream(xml));
        while (reader.hasNext()) {
            int event = reader.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                sink.consume(reader.getAttributeCount());
            }
        }
        reader.close();
    }

    @Benchmark
    public Domain parse() {
        return parser.parse(xml);
    }

    @Benchmark
    public Evaluation evaluate() {
        return rule.evaluate(domain, request, facts);
    }

    @Benchmark
    public Evaluation parseAndEvaluate() {
        return rule.evaluate(parser.parse(xml), request, facts);
    }

    /** What the controller does for a preflight, short of HTTP: parse, rule, the JSON answer's bytes. */
    @Benchmark
    public byte[] parseEvaluateSerialise() {
        Domain parsed = parser.parse(xml);
        Evaluation evaluation = rule.evaluate(parsed, request, facts);
        return json.writeValueAsBytes(PreflightResponse.of(new PreflightService.Result("decision-id", parsed,
                new PreflightService.Definition("request", null, null), request, evaluation, "0123456789abcdef")));
    }
}
