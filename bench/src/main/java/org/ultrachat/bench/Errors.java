package org.ultrachat.bench;

/**
 * Short names for what went wrong, counted next to the error totals (as {@code error <action>
 * <kind>@<step>}) so that a run says whether its errors were rate limits, a full write queue,
 * timeouts or closed sockets.
 */
final class Errors {
  private Errors() {
  }

  /** @return {@code http-<status>} for an HTTP answer, else the failure's class name */
  static String of(Throwable failure) {
    if (failure instanceof Api.Failed f) {
      return "http-" + f.status;
    }
    return failure == null ? "unknown" : failure.getClass().getSimpleName();
  }

  /** @return {@code frame-<code>} from an error frame's {@code code} */
  static String ofFrame(String text) {
    int at = text.indexOf("\"code\":\"");
    if (at < 0) {
      return "frame";
    }
    int end = text.indexOf('"', at + 8);
    return "frame-" + (end < 0 ? "?" : text.substring(at + 8, end));
  }
}
