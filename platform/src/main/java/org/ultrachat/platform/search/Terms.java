package org.ultrachat.platform.search;

import java.lang.Character.UnicodeScript;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.tartarus.snowball.ext.EnglishStemmer;

/**
 * Turns text into search terms, in plain text: normalised and stemmed words, character bigrams of
 * Chinese, Japanese and Korean, mentions and hashtags. Messages and queries go through the same
 * rules, so a word in a query and the same word in a message always give the same term.
 * docs/architecture.md ("Search over encrypted messages") lists the rules.
 */
final class Terms {
  static final int MIN_LENGTH = 2;
  static final int MAX_LENGTH = 64;

  /** What a term is; the domain keeps a word apart from a mention or tag of the same name. */
  enum Kind {
    WORD("term"), MENTION("mention"), TAG("tag");

    final String domain;

    Kind(String domain) {
      this.domain = domain;
    }
  }

  record Term(Kind kind, String value) {
  }

  /**
   * A message indexes the words inside a mention or hashtag as words too ({@code @alice} also
   * matches a search for {@code alice}); a query's {@code @alice} asks for the mention alone.
   */
  enum Side {
    MESSAGE, QUERY
  }

  private static final Set<UnicodeScript> FOLDED_SCRIPTS =
      EnumSet.of(UnicodeScript.LATIN, UnicodeScript.GREEK, UnicodeScript.CYRILLIC);
  private static final Set<UnicodeScript> BIGRAM_SCRIPTS =
      EnumSet.of(UnicodeScript.HAN, UnicodeScript.HIRAGANA, UnicodeScript.KATAKANA, UnicodeScript.HANGUL);
  private static final int KATAKANA_LONG_VOWEL = 0x30FC; // script Common, but part of katakana words
  private static final CharArraySet STOP_WORDS = EnglishAnalyzer.ENGLISH_STOP_WORDS_SET;

  private final String text;
  private final Side side;
  private final int limit;
  private final Set<Term> found = new LinkedHashSet<>();
  private final EnglishStemmer stemmer = new EnglishStemmer(); // not thread-safe: one per call

  private Terms(String text, Side side, int limit) {
    this.text = text;
    this.side = side;
    this.limit = limit;
  }

  /** @return the distinct terms of {@code text} in order of first appearance, at most {@code limit} */
  static List<Term> of(String text, Side side, int limit) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(side, "side");
    Terms terms = new Terms(normalise(text), side, limit);
    terms.scan();
    return List.copyOf(terms.found);
  }

  /**
   * NFKC; case folding (upper then lower case, so that {@code ß} folds to {@code ss}); accents
   * removed from Latin, Greek and Cyrillic letters only (in other scripts, such as Japanese kana or
   * Devanagari, the combining marks change the letter); curly apostrophes made straight.
   */
  static String normalise(String text) {
    String folded = Normalizer.normalize(text, Normalizer.Form.NFKC).toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    String decomposed = Normalizer.normalize(folded, Normalizer.Form.NFD);
    StringBuilder out = new StringBuilder(decomposed.length());
    UnicodeScript base = UnicodeScript.COMMON;
    for (int i = 0; i < decomposed.length(); ) {
      int cp = decomposed.codePointAt(i);
      i += Character.charCount(cp);
      int type = Character.getType(cp);
      if (type == Character.ENCLOSING_MARK || isVariationSelector(cp)) {
        continue; // emoji presentation and keycaps, not part of a word
      }
      if (type == Character.NON_SPACING_MARK) {
        if (FOLDED_SCRIPTS.contains(base)) {
          continue;
        }
      } else {
        base = UnicodeScript.of(cp);
      }
      out.appendCodePoint(cp == '\u2019' || cp == '\u02BC' ? '\'' : cp);
    }
    return Normalizer.normalize(out, Normalizer.Form.NFC);
  }

  private static boolean isVariationSelector(int cp) {
    return (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF);
  }

  private void scan() {
    int i = 0;
    while (i < text.length() && found.size() < limit) {
      int cp = text.codePointAt(i);
      if ((cp == '@' || cp == '#') && startsAName(i)) {
        int end = cp == '@' ? mentionEnd(i + 1) : tagEnd(i + 1);
        String name = text.substring(i + 1, end);
        if (fits(name)) {
          found.add(new Term(cp == '@' ? Kind.MENTION : Kind.TAG, name));
          if (side == Side.QUERY) {
            i = end;
            continue;
          }
        }
        i++;
      } else if (isBigramLetter(cp)) {
        i = bigrams(i);
      } else if (isWordChar(cp)) {
        i = word(i);
      } else {
        i += Character.charCount(cp);
      }
    }
  }

  /** {@code @} and {@code #} start a name at the start of the text or after a separator, not in {@code a@b.c}. */
  private boolean startsAName(int i) {
    if (i == 0) {
      return true;
    }
    int before = text.codePointBefore(i);
    return !isWordChar(before) && !isBigramLetter(before);
  }

  /** A mention has the shape of a user name: {@code [a-z0-9][a-z0-9._-]*}, without trailing punctuation. */
  private int mentionEnd(int from) {
    int end = from;
    while (end < text.length() && isNameChar(text.charAt(end), end == from)) {
      end++;
    }
    while (end > from && ".-_".indexOf(text.charAt(end - 1)) >= 0) {
      end--;
    }
    return end;
  }

  private static boolean isNameChar(char c, boolean first) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (!first && ".-_".indexOf(c) >= 0);
  }

  /** A hashtag is letters and digits of any script and underscores, without a trailing underscore. */
  private int tagEnd(int from) {
    int end = from;
    while (end < text.length()) {
      int cp = text.codePointAt(end);
      if (!isWordChar(cp) && !isBigramLetter(cp) && cp != '_') {
        break;
      }
      end += Character.charCount(cp);
    }
    while (end > from && text.charAt(end - 1) == '_') {
      end--;
    }
    return end;
  }

  /**
   * A word is letters, digits and combining marks, with apostrophes inside it ({@code don't}).
   * Its tail after the last apostrophe is a word too, so that {@code l'été} matches {@code été}.
   */
  private int word(int start) {
    int i = start;
    while (i < text.length()) {
      int cp = text.codePointAt(i);
      if (isWordChar(cp)) {
        i += Character.charCount(cp);
      } else if (cp == '\'' && i > start && i + 1 < text.length() && isWordChar(text.codePointAt(i + 1))) {
        i++;
      } else {
        break;
      }
    }
    String word = text.substring(start, i);
    addWord(word);
    int apostrophe = word.lastIndexOf('\'');
    if (apostrophe > 0) {
      addWord(word.substring(apostrophe + 1));
    }
    return i;
  }

  private void addWord(String word) {
    if (found.size() >= limit || STOP_WORDS.contains(word)) {
      return;
    }
    if (!fits(word.replace("'", ""))) {
      return;
    }
    String term = (isEnglishShaped(word) ? stem(word) : word).replace("'", "");
    if (fits(term)) {
      found.add(new Term(Kind.WORD, term));
    }
  }

  /** Only words of the letters a-z go to the English stemmer; it would mangle other languages' words. */
  private static boolean isEnglishShaped(String word) {
    for (int i = 0; i < word.length(); i++) {
      char c = word.charAt(i);
      if ((c < 'a' || c > 'z') && c != '\'') {
        return false;
      }
    }
    return true;
  }

  private String stem(String word) {
    stemmer.setCurrent(word);
    stemmer.stem();
    return stemmer.getCurrent();
  }

  /**
   * Han, kana and Hangul are written without spaces between words: each run of them gives its
   * overlapping pairs of characters ({@code 東京都} gives {@code 東京}, {@code 京都}), and a
   * character standing alone gives itself.
   */
  private int bigrams(int start) {
    List<Integer> run = new ArrayList<>();
    int i = start;
    while (i < text.length() && isBigramLetter(text.codePointAt(i))) {
      int cp = text.codePointAt(i);
      run.add(cp);
      i += Character.charCount(cp);
    }
    if (run.size() == 1) {
      found.add(new Term(Kind.WORD, Character.toString(run.get(0))));
    }
    for (int j = 0; j + 1 < run.size() && found.size() < limit; j++) {
      found.add(new Term(Kind.WORD, Character.toString(run.get(j)) + Character.toString(run.get(j + 1))));
    }
    return i;
  }

  private static boolean fits(String term) {
    int length = term.codePointCount(0, term.length());
    return length >= MIN_LENGTH && length <= MAX_LENGTH;
  }

  private static boolean isWordChar(int cp) {
    if (isBigramLetter(cp)) {
      return false;
    }
    int type = Character.getType(cp);
    return Character.isLetterOrDigit(cp) || type == Character.NON_SPACING_MARK
        || type == Character.COMBINING_SPACING_MARK;
  }

  private static boolean isBigramLetter(int cp) {
    return Character.isLetter(cp) && (cp == KATAKANA_LONG_VOWEL || BIGRAM_SCRIPTS.contains(UnicodeScript.of(cp)));
  }
}
