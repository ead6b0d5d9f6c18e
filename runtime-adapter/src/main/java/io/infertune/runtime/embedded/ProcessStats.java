package io.infertune.runtime.embedded;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * What the operating system says about this process: CPU time and resident memory. The embedded
 * runtime shares its process with whatever embeds it, so both include the host's own use.
 *
 * @implNote stateless and thread-safe.
 */
final class ProcessStats {
  private static final Path PROC_STATUS = Path.of("/proc/self/status");

  private ProcessStats() {}

  /** CPU seconds the process has used (all threads, user and system), if the JVM reports it. */
  static OptionalDouble cpuSeconds() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      long nanos = os.getProcessCpuTime();
      if (nanos >= 0) {
        return OptionalDouble.of(nanos / 1e9);
      }
    }
    return OptionalDouble.empty();
  }

  /**
   * Resident memory in bytes: {@code VmRSS} from {@code /proc/self/status}, which includes ONNX
   * Runtime's native allocations; where that file does not exist, the JVM's used heap (an
   * underestimate).
   */
  static double residentBytes() {
    if (Files.isReadable(PROC_STATUS)) {
      try {
        for (String line : Files.readAllLines(PROC_STATUS, StandardCharsets.US_ASCII)) {
          if (line.startsWith("VmRSS:")) {
            return parseKilobytes(line.substring("VmRSS:".length())) * 1024.0;
          }
        }
      } catch (IOException | NumberFormatException e) {
        // Fall through to the heap: a gauge that is a little low beats no gauge.
      }
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** {@code " 264512 kB"} is 264512. */
  static long parseKilobytes(String value) {
    String v = value.trim();
    if (v.endsWith("kB")) {
      v = v.substring(0, v.length() - 2).trim();
    }
    return Long.parseLong(v);
  }
}
