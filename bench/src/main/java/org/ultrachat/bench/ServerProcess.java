package org.ultrachat.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server under test, seen from the same machine: its process (found by the port it listens
 * on), CPU time, run-queue wait and resident memory from {@code /proc}, heap from its {@code /metrics}, and a full
 * GC through {@code jcmd} before measuring heap after GC. Linux only; where something cannot be
 * read the figure is missing and the report says so.
 */
final class ServerProcess {
  private static final long TICKS_PER_SECOND = 100;

  private final long pid;
  private final URI target;

  private ServerProcess(long pid, URI target) {
    this.pid = pid;
    this.target = target;
  }

  /** @return the process listening on the target's port, if it runs on this machine and can be found */
  static Optional<ServerProcess> find(URI target, Optional<Long> pid) {
    if (pid.isPresent()) {
      return Optional.of(new ServerProcess(pid.get(), target));
    }
    int port = target.getPort() > 0 ? target.getPort() : 80;
    try {
      Optional<String> inode = listeningInode(port);
      if (inode.isEmpty()) {
        return Optional.empty();
      }
      String socket = "socket:[" + inode.get() + "]";
      try (var procs = Files.list(Path.of("/proc"))) {
        for (Path proc : (Iterable<Path>) procs::iterator) {
          String name = proc.getFileName().toString();
          if (!name.chars().allMatch(Character::isDigit)) {
            continue;
          }
          try (var fds = Files.list(proc.resolve("fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
              if (socket.equals(Files.readSymbolicLink(fd).toString())) {
                return Optional.of(new ServerProcess(Long.parseLong(name), target));
              }
            }
          } catch (IOException | SecurityException e) {
            // another user's process, or gone: not ours
          }
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private static Optional<String> listeningInode(int port) throws IOException {
    String hexPort = String.format(":%04X", port);
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path path = Path.of(table);
      if (!Files.exists(path)) {
        continue;
      }
      for (String line : Files.readAllLines(path)) {
        String[] f = line.trim().split("\\s+");
        // local_address st ... inode; state 0A is LISTEN
        if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
          return Optional.of(f[9]);
        }
      }
    }
    return Optional.empty();
  }

  long pid() {
    return pid;
  }

  /** @return user + system CPU time of the process, in seconds */
  double cpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * @return the time the server's threads spent runnable but waiting for a CPU, in seconds (the
   *     second field of each thread's {@code schedstat}); NaN when unreadable. Beside the CPU time it
   *     shows how much of a latency is queueing for the cores rather than work.
   */
  double runQueueWaitSeconds() {
    long nanos = 0;
    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          nanos += waitNanos(Files.readString(task.resolve("schedstat")));
        } catch (IOException | RuntimeException e) {
          // the thread ended between listing and reading
        }
      }
    } catch (IOException e) {
      return Double.NaN;
    }
    return nanos / 1e9;
  }

  /** @param schedstat a thread's {@code schedstat}: CPU time, run-queue wait (both ns), time slices */
  static long waitNanos(String schedstat) {
    return Long.parseLong(schedstat.trim().split("\\s+")[1]);
  }

  /** @return resident set size in bytes */
  long rssBytes() {
    return statusField("VmRSS");
  }

  /** @return open file descriptors of the process */
  long openFiles() {
    try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return fds.count();
    } catch (IOException e) {
      return -1;
    }
  }

  private long statusField(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** Runs a full GC in the server (same machine, {@code jcmd}); false when it could not. */
  boolean fullGc() {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** @return the server's heap in use, from its Prometheus metrics (sum over heap pools), or -1 */
  long heapUsedBytes() {
    return metricSum("jvm_memory_used_bytes", "area=\"heap\"");
  }

  // One client for every scrape, HTTP/1.1 (no h2c upgrade attempt), quick to give up on connecting.
  private static final HttpClient METRICS_CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  /** @return the sum of a metric's samples whose labels contain {@code labelFilter}, or -1 */
  long metricSum(String name, String labelFilter) {
    try {
      HttpResponse<String> metrics = METRICS_CLIENT.send(HttpRequest.newBuilder(target.resolve("/metrics"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      double sum = 0;
      boolean found = false;
      Matcher m = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$", Pattern.MULTILINE)
          .matcher(metrics.body());
      while (m.find()) {
        if (labelFilter.isEmpty() || (m.group(1) != null && m.group(1).contains(labelFilter))) {
          sum += Double.parseDouble(m.group(2));
          found = true;
        }
      }
      return found ? (long) sum : -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** @return the file-descriptor limit of the process (soft), or -1 */
  long fileLimit() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"))) {
        if (line.startsWith("Max open files")) {
          return Long.parseLong(line.substring(26).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
