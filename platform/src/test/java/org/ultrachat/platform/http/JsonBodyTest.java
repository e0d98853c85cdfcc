package org.ultrachat.platform.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class JsonBodyTest {
  @Test
  void verbatimKeepsControlCharactersThatStringRefuses() {
    JsonBody body = JsonBody.wrap(new JsonObject().put("text", "bell\u0007 and\r\nbreak"));
    assertThat(body.verbatim("text", 100)).isEqualTo("bell\u0007 and\r\nbreak");
    assertThatThrownBy(() -> body.string("text", 1, 100)).isInstanceOf(ProblemException.BadInput.class);
    assertThatThrownBy(() -> body.verbatim("text", 5)).isInstanceOf(ProblemException.BadInput.class)
        .hasMessageContaining("at most 5");
    assertThatThrownBy(() -> body.verbatim("missing", 5)).isInstanceOf(ProblemException.BadInput.class);
  }

  @Test
  void objectIsARequiredNestedObject() {
    JsonBody body = JsonBody.wrap(new JsonObject().put("caller", new JsonObject().put("userId", "u1")).put("n", 1));
    assertThat(body.object("caller").string("userId", 1, 10)).isEqualTo("u1");
    assertThatThrownBy(() -> body.object("n")).isInstanceOf(ProblemException.BadInput.class)
        .hasMessageContaining("'n' must be an object");
    assertThatThrownBy(() -> body.object("absent")).isInstanceOf(ProblemException.BadInput.class);
  }
}
