package org.ultrachat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole machine's CPU from {@code /proc/stat}: the server, the generator and, in PostgreSQL
 * mode, the database share the same cores, so a run can be CPU-bound while the server process
 * alone uses well under the machine. Linux only; elsewhere the figures are missing.
 */
final class Machine {
  private Machine() {
  }

  /** @return busy and total CPU ticks of all cores since boot, or null when unreadable */
  static long[] cpuTicks() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
        if (line.startsWith("cpu ")) {
          return busyAndTotal(line);
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }

  /**
   * @param cpuLine the aggregate line of {@code /proc/stat}: {@code cpu user nice system idle iowait
   *                irq softirq steal guest guest_nice}
   * @return busy ticks (everything but idle and iowait; guest time is already inside user) and total
   */
  static long[] busyAndTotal(String cpuLine) {
    String[] f = cpuLine.trim().split("\\s+");
    long total = 0;
    // Columns 1..8; guest and guest_nice are counted in user and nice already.
    for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
      total += Long.parseLong(f[i]);
    }
    long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
    return new long[] {total - idle, total};
  }
}
