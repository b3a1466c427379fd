package io.migrationgatekeeper.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time of the benchmark JVM per operation ({@code ·cpu.time}, µs/op), next to JMH's wall-clock time: on a
 * machine shared with other work, a thread waiting for a core inflates the wall clock but not its CPU time. It
 * counts the whole process (JIT and GC threads too; both are quiet after warm-up, and GC is part of the cost).
 * Run with {@code -prof io.migrationgatekeeper.bench.CpuTimeProfiler}.
 */
public class CpuTimeProfiler implements InternalProfiler {

    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private long before;

    @Override
    public String getDescription() {
        return "process CPU time per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        before = OS.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
            IterationResult result) {
        long cpu = OS.getProcessCpuTime() - before;
        long ops = result.getMetadata().getMeasuredOps();
        return List.of(new ScalarResult("cpu.time", ops == 0 ? Double.NaN : cpu / 1e3 / ops, "us/op",
                AggregationPolicy.AVG));
    }
}
