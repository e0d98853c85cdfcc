package org.ultrachat.gateway.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.ultrachat.platform.http.ProblemException;

class FramesTest {
  private static String codeOf(String text, int max) {
    try {
      Frames.parse(text, max);
      return "ok";
    } catch (Frames.Refused r) {
      return r.code;
    }
  }

  @Test
  void refusesWhatIsNotOneKnownFrame() {
    assertThat(codeOf("{\"type\":\"ping\"}", 100)).isEqualTo("ok");
    assertThat(codeOf("not json", 100)).isEqualTo("bad_frame");
    assertThat(codeOf("[1,2]", 100)).isEqualTo("bad_frame");
    assertThat(codeOf("\"ping\"", 100)).isEqualTo("bad_frame");
    assertThat(codeOf("{}", 100)).isEqualTo("bad_frame");
    assertThat(codeOf("{\"type\":7}", 100)).isEqualTo("bad_frame");
    assertThat(codeOf("{\"type\":\"shutdown\"}", 100)).isEqualTo("unknown_type");
    assertThat(codeOf("{\"type\":\"ping\",\"id\":5}", 100)).isEqualTo("bad_frame");
    assertThat(codeOf("{\"type\":\"ping\",\"id\":\"" + "x".repeat(65) + "\"}", 200)).isEqualTo("bad_frame");
  }

  @Test
  void countsTheCapInUtf8Bytes() {
    String ascii = "{\"type\":\"ping\",\"id\":\"" + "x".repeat(20) + "\"}";
    assertThat(codeOf(ascii, ascii.length())).isEqualTo("ok");
    assertThat(codeOf(ascii, ascii.length() - 1)).isEqualTo("too_large");
    // 20 three-byte characters: 40 bytes more than characters.
    String wide = "{\"type\":\"ping\",\"id\":\"" + "€".repeat(20) + "\"}";
    assertThat(codeOf(wide, wide.length() + 39)).isEqualTo("too_large");
    assertThat(codeOf(wide, wide.length() + 40)).isEqualTo("ok");
  }

  @Test
  void reportsOnlyKnownTypesToMetrics() {
    assertThat(Frames.typeOf("{\"type\":\"send\"}")).isEqualTo("send");
    assertThat(Frames.typeOf("{\"type\":\"anything-a-client-likes\"}")).isEqualTo("invalid");
    assertThat(Frames.typeOf("garbage")).isEqualTo("invalid");
  }

  @Test
  void turnsProblemsIntoErrorFrames() {
    JsonObject notFound = Frames.error(Optional.of("s1"), new ProblemException.NotFound("no such channel"));
    assertThat(notFound.encode()).isEqualTo(
        "{\"type\":\"error\",\"id\":\"s1\",\"code\":\"not_found\",\"status\":404,\"detail\":\"no such channel\"}");
    JsonObject limited = Frames.error(Optional.empty(), new ProblemException.TooManyRequests("slow down", 2));
    assertThat(limited.getString("code")).isEqualTo("rate_limited");
    assertThat(limited.getLong("retryAfterMs")).isEqualTo(2000);
    JsonObject crash = Frames.error(Optional.empty(), new IllegalStateException("secret detail"));
    assertThat(crash.getString("code")).isEqualTo("internal");
    assertThat(crash.getString("detail")).doesNotContain("secret");
  }

  @Test
  void seqsAreWholeNumbersOfAtLeastZero() {
    assertThat(Frames.seq(5, "seq")).isEqualTo(5);
    assertThat(Frames.seq(0L, "seq")).isZero();
    assertThatThrownBy(() -> Frames.seq(-1, "seq")).isInstanceOf(Frames.Refused.class);
    assertThatThrownBy(() -> Frames.seq(1.5, "seq")).isInstanceOf(Frames.Refused.class);
    assertThatThrownBy(() -> Frames.seq("5", "seq")).isInstanceOf(Frames.Refused.class);
  }
}
