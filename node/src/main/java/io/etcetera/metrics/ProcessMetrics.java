package io.etcetera.metrics;

import com.sun.management.UnixOperatingSystemMXBean;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The process metrics Prometheus's Go client exports for etcd ({@code process_*}) and etcd's own
 * {@code os_fd_used} and {@code os_fd_limit}, read from the JVM's operating-system bean and, for
 * memory, from {@code /proc/self/status} (Linux; NaN elsewhere); plus Micrometer's JVM memory,
 * GC and thread meters, the Java counterpart of the Go runtime's {@code go_*}. Values are read at
 * scrape time. Stateless once bound.
 */
final class ProcessMetrics implements MeterBinder {

    private static final Path STATUS = Path.of("/proc/self/status");

    @Override
    public void bindTo(MeterRegistry registry) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean unix) {
            bindFds(registry, unix);
        }
        if (os instanceof com.sun.management.OperatingSystemMXBean cpu) {
            FunctionCounter.builder("process_cpu_seconds_total", cpu,
                            bean -> bean.getProcessCpuTime() / 1e9)
                    .description("User and system CPU time the process spent, in seconds.")
                    .register(registry);
        }
        Gauge.builder("process_resident_memory_bytes", () -> statusBytes("VmRSS:"))
                .description("Resident memory of the process in bytes.").register(registry);
        Gauge.builder("process_virtual_memory_bytes", () -> statusBytes("VmSize:"))
                .description("Virtual memory of the process in bytes.").register(registry);
        Gauge.builder("process_start_time_seconds",
                        () -> ManagementFactory.getRuntimeMXBean().getStartTime() / 1e3)
                .description("When the process started, in seconds since the Unix epoch.")
                .register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
    }

    private static void bindFds(MeterRegistry registry, UnixOperatingSystemMXBean unix) {
        List.of("process_open_fds", "os_fd_used").forEach(name ->
                Gauge.builder(name, unix, UnixOperatingSystemMXBean::getOpenFileDescriptorCount)
                        .description("Open file descriptors of the process.")
                        .register(registry));
        List.of("process_max_fds", "os_fd_limit").forEach(name ->
                Gauge.builder(name, unix, UnixOperatingSystemMXBean::getMaxFileDescriptorCount)
                        .description("The process's limit of open file descriptors.")
                        .register(registry));
    }

    /** A {@code /proc/self/status} line such as {@code VmRSS: 1234 kB}, in bytes, or NaN. */
    private static double statusBytes(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field)) {
                    String[] parts = line.substring(field.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN; // not Linux, or /proc is not mounted
        }
        return Double.NaN;
    }
}
