package org.ultrachat.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The web client's files keep to what the Content-Security-Policy and the "messages are text"
 * rule need: no inline script or style, no inline event handler, no HTML parsing of strings, no
 * eval, no token in web storage. A browser would refuse some of these (the CSP); the others would
 * let a message's markup run.
 */
class WebClientFilesTest {
  private static final Path ROOT = Path.of("src/main/resources", WebClient.WEB_ROOT);

  private static List<Path> files(String suffix) throws IOException {
    try (Stream<Path> walk = Files.walk(ROOT)) {
      return walk.filter(p -> p.toString().endsWith(suffix)).toList();
    }
  }

  @Test
  void scriptsNeverParseStringsAsHtmlNorEvaluateThemNorStoreTokens() throws IOException {
    List<Path> scripts = files(".js");
    assertThat(scripts).extracting(p -> p.getFileName().toString()).contains("main.js", "realtime.js", "session.js");
    Pattern forbidden = Pattern.compile("\\.innerHTML\\s*=|\\.outerHTML\\s*=|insertAdjacentHTML|document\\.write"
        + "|\\beval\\(|new Function\\(|setTimeout\\(\\s*['\"`]|localStorage|sessionStorage|createContextualFragment"
        + "|DOMParser");
    for (Path script : scripts) {
      String text = Files.readString(script);
      assertThat(forbidden.matcher(text).results().map(r -> r.group()).toList()).as(script.toString()).isEmpty();
    }
  }

  @Test
  void pagesHaveNoInlineScriptStyleOrEventHandler() throws IOException {
    for (Path page : files(".html")) {
      String html = Files.readString(page);
      assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>").matcher(html).find()).as(page + ": inline script")
          .isFalse();
      assertThat(html).as(page.toString()).doesNotContain("<style").doesNotContain(" style=");
      assertThat(Pattern.compile("\\son[a-z]+\\s*=").matcher(html).find()).as(page + ": inline handler").isFalse();
      assertThat(html).as(page.toString()).doesNotContain("javascript:");
    }
  }
}
