package org.ultrachat.platform.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * What a test does when a service it needs (PostgreSQL, Redis) is not reachable: under CI
 * ({@code CI=true}) it fails, so a missing service can never pass as green; elsewhere it is
 * skipped with a banner that says how to enable it.
 */
final class RequiredService {
  private RequiredService() {
  }

  static boolean underCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  static void unavailable(String service, String where, String howToEnable, Throwable cause) {
    String message = service + " is not reachable at " + where + " (" + cause.getMessage() + ")";
    if (underCi()) {
      throw new AssertionError(message + ". CI=true: tests that need " + service + " must run, not skip.", cause);
    }
    String banner = "\n" + "!".repeat(100) + "\n!!! SKIPPING " + service + " TESTS: " + message
        + "\n!!! To run them: " + howToEnable + "\n" + "!".repeat(100) + "\n";
    System.err.println(banner);
    Assumptions.abort("SKIPPED LOUDLY: " + message + ". " + howToEnable);
  }
}
