package org.ultrachat.bench;

/** Escaping of text for HTML and SVG, in element content and in quoted attribute values alike. */
final class Html {
  private Html() {
  }

  /**
   * @return the text with {@code & < > " '} as character references and control characters
   *     (which XML forbids and terminals act on) as U+FFFD; null as the empty string
   */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f ? '\uFFFD' : c);
      }
    }
    return out.toString();
  }
}
