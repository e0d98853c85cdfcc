package org.ultrachat.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The machine and server figures read from {@code /proc}: parsing, and the real files of this process. */
class ProcFiguresTest {
  @Test
  void machineBusyTimeLeavesOutIdleAndIoWaitAndDoesNotCountGuestTwice() {
    // user nice system idle iowait irq softirq steal guest guest_nice
    long[] ticks = Machine.busyAndTotal("cpu  39187 5 6382 52057 816 7 1259 33 400 0");

    assertThat(ticks[1]).isEqualTo(39187 + 5 + 6382 + 52057 + 816 + 7 + 1259 + 33);
    assertThat(ticks[0]).isEqualTo(ticks[1] - 52057 - 816);
  }

  @Test
  void runQueueWaitIsTheSecondFieldOfSchedstat() {
    assertThat(ServerProcess.waitNanos("1403520853 296601447 5317\n")).isEqualTo(296_601_447L);
  }

  @Test
  void thisProcessHasReadableFiguresThatOnlyGrow() throws Exception {
    ServerProcess self = ServerProcess.find(URI.create("http://127.0.0.1:1"), Optional.of(ProcessHandle.current().pid()))
        .orElseThrow();
    long[] before = Machine.cpuTicks();
    double waitBefore = self.runQueueWaitSeconds();
    double cpuBefore = self.cpuSeconds();
    long spin = System.nanoTime() + 200_000_000L;
    long x = 0;
    while (System.nanoTime() < spin) {
      x += x * 31 + 7;
    }
    long[] after = Machine.cpuTicks();

    assertThat(x).isNotZero();
    assertThat(before).isNotNull();
    assertThat(after[0]).isGreaterThan(before[0]);
    assertThat(after[1]).isGreaterThanOrEqualTo(after[0]);
    assertThat(self.cpuSeconds()).isGreaterThan(cpuBefore);
    assertThat(waitBefore).isGreaterThanOrEqualTo(0);
    assertThat(self.runQueueWaitSeconds()).isGreaterThanOrEqualTo(waitBefore);
  }
}
