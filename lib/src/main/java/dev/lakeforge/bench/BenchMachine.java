package dev.lakeforge.bench;

import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/** What a benchmark reads about the machine it runs on: this JVM's CPU and GC time, the whole machine's busy time, a description. */
final class BenchMachine {
    private BenchMachine() {
    }

    /** CPU time of this JVM, all threads (-1 where the JVM does not tell). */
    static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /** CPU time all processes spent busy so far (Linux {@code /proc/stat}, USER_HZ = 100), -1 elsewhere. */
    static long systemBusyMillis() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/stat"))) {
            String cpu = lines.filter(l -> l.startsWith("cpu ")).findFirst().orElse(null);
            if (cpu == null) {
                return -1;
            }
            String[] f = cpu.trim().split("\\s+");
            long busy = 0;
            for (int i : new int[]{1, 2, 3, 6, 7, 8}) { // user nice system irq softirq steal
                busy += i < f.length ? Long.parseLong(f[i]) : 0;
            }
            return busy * 10;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Average cores that processes other than the measured ones kept busy over {@code wallMillis}, from two
     * {@link #systemBusyMillis()} readings and the CPU time of the measured processes; -1 when unknown.
     */
    static double otherCores(long busy0, long busy1, long measuredCpuMillis, long wallMillis) {
        if (busy0 < 0 || busy1 < 0 || measuredCpuMillis < 0) {
            return -1;
        }
        return Math.max(0, (busy1 - busy0 - measuredCpuMillis) / (double) Math.max(1, wallMillis));
    }

    /** Cores, CPU model, RAM, heap, Java, OS, Spark master and settings. */
    static String describe(SparkSession spark, String heapNote) {
        Runtime rt = Runtime.getRuntime();
        StringBuilder sb = new StringBuilder();
        sb.append(rt.availableProcessors()).append(" cores (Runtime.availableProcessors)");
        cpuModel().ifPresent(m -> sb.append(", ").append(m));
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            sb.append(String.format(Locale.ROOT, ", %.1f GB RAM", os.getTotalMemorySize() / (double) (1L << 30)));
        }
        sb.append(String.format(Locale.ROOT, "; max heap %,d MB", rt.maxMemory() >> 20));
        if (heapNote != null && !heapNote.isBlank()) {
            sb.append(" (").append(heapNote).append(')');
        }
        sb.append("; Java ").append(System.getProperty("java.version")).append(" (").append(System.getProperty("java.vm.name")).append(")");
        sb.append("; ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch"));
        sb.append("; Spark ").append(spark.version()).append(' ').append(spark.sparkContext().master())
                .append(", spark.sql.shuffle.partitions=").append(spark.conf().get("spark.sql.shuffle.partitions"));
        return sb.toString();
    }

    private static Optional<String> cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
