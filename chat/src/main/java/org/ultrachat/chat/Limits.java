package org.ultrachat.chat;

import java.util.Locale;
import java.util.regex.Pattern;
import org.ultrachat.platform.http.ProblemException;

/** Sizes and shapes the chat service accepts. Checked before anything is stored. */
final class Limits {
  static final int MAX_BODY_CHARS = 4000;
  static final int MAX_TOPIC_CHARS = 250;
  static final int MAX_MENTIONS = 20;
  static final int MAX_GROUP_MEMBERS = 9;
  static final int MAX_PAGE = 100;
  private static final Pattern CHANNEL_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,79}");
  private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final Pattern EMOJI = Pattern.compile("[^\\s]{1,64}");

  private Limits() {
  }

  static String channelName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (!CHANNEL_NAME.matcher(n).matches()) {
      throw new ProblemException.BadInput("'name' must be 1 to 80 characters of a-z, 0-9, '-' or '_', starting with a letter or digit");
    }
    return n;
  }

  static String clientId(String id) {
    if (!CLIENT_ID.matcher(id).matches()) {
      throw new ProblemException.BadInput("'clientId' must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'");
    }
    return id;
  }

  static String emoji(String emoji) {
    if (!EMOJI.matcher(emoji).matches() || emoji.codePoints().anyMatch(Character::isISOControl)) {
      throw new ProblemException.BadInput("an emoji is 1 to 64 characters without spaces");
    }
    return emoji;
  }

  static String body(String body) {
    if (body.isBlank()) {
      throw new ProblemException.BadInput("'body' must not be blank");
    }
    return body;
  }
}
