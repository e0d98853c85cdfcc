package org.ultrachat.platform.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.junit.jupiter.api.Test;
import org.ultrachat.platform.search.Terms.Kind;
import org.ultrachat.platform.search.Terms.Side;
import org.ultrachat.platform.search.Terms.Term;

/** The plain-text side of the blind index: which terms a text gives, before they are keyed. */
class TermsTest {
  private static List<Term> message(String text) {
    return Terms.of(text, Side.MESSAGE, 512);
  }

  private static List<Term> query(String text) {
    return Terms.of(text, Side.QUERY, 512);
  }

  private static List<String> words(String text) {
    return message(text).stream().map(Term::value).toList();
  }

  private static Term word(String value) {
    return new Term(Kind.WORD, value);
  }

  @Test
  void caseAccentsAndFullWidthFormsFoldTogether() {
    assertThat(words("Café")).containsExactly("cafe")
        .isEqualTo(words("CAFE"))
        .isEqualTo(words("cafe\u0301")) // decomposed accent
        .isEqualTo(words("ＣＡＦＥ"));
    assertThat(words("Straße")).isEqualTo(words("STRASSE"));
    assertThat(words("ﬁle")).isEqualTo(words("file"));
  }

  @Test
  void englishInflectionsShareOneStem() {
    assertThat(words("run")).containsExactly("run")
        .isEqualTo(words("Running"))
        .isEqualTo(words("RUNS"));
    assertThat(words("deployments deployed deploying")).containsExactly("deploy");
  }

  @Test
  void stemmingSometimesJoinsDifferentWords() {
    assertThat(words("university")).isEqualTo(words("universe")); // as docs/architecture.md says
  }

  @Test
  void stopWordsAndOneCharacterWordsAreNotIndexed() {
    assertThat(words("To be, or not to be: that is the question. I x 7"))
        .containsExactly("question");
    assertThat(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET).hasSize(33); // the count docs/architecture.md gives
  }

  @Test
  void wordsLongerThan64CharactersAreDropped() {
    String longest = "7".repeat(64);
    assertThat(words(longest + " " + "8".repeat(65) + " ok")).containsExactly(longest, "ok");
  }

  @Test
  void apostrophesJoinAWordAndItsTailIsAWordToo() {
    assertThat(words("don’t")).containsExactly("dont").isEqualTo(words("dont"));
    assertThat(words("Alice's")).isEqualTo(words("alice"));
    assertThat(words("l'été")).containsExactly("lete", "ete");
    assertThat(words("'quoted'")).isEqualTo(words("quoted"));
  }

  @Test
  void underscoresHyphensAndDotsSeparateWords() {
    assertThat(words("user_id e-mail v2.13 bob@example.com"))
        .containsExactly("user", "id", "mail", "v2", "13", "bob", "exampl", "com");
  }

  @Test
  void aMentionIsAMentionTermAndItsWordsInAMessage() {
    assertThat(message("ping @Alice.Smith."))
        .containsExactly(word("ping"), new Term(Kind.MENTION, "alice.smith"), word("alic"), word("smith"));
  }

  @Test
  void aMentionInAQueryAsksForTheMentionOnly() {
    assertThat(query("@alice.smith deploy"))
        .containsExactly(new Term(Kind.MENTION, "alice.smith"), word("deploy"));
  }

  @Test
  void anAtInsideAWordIsNotAMention() {
    assertThat(message("bob@example.com")).extracting(Term::kind).containsOnly(Kind.WORD);
  }

  @Test
  void aHashtagIsATagTermUnstemmedAndItsWordsInAMessage() {
    assertThat(message("#Release_Notes!")).containsExactly(
        new Term(Kind.TAG, "release_notes"), word("releas"), word("note"));
    assertThat(query("#release_notes")).containsExactly(new Term(Kind.TAG, "release_notes"));
    assertThat(message("C# #1")).containsExactly(); // "c" and "1" are one character; "#" after a letter is no tag
  }

  @Test
  void chineseJapaneseAndKoreanGiveOverlappingCharacterPairs() {
    assertThat(words("東京都に住む")).containsExactly("東京", "京都", "都に", "に住", "住む");
    assertThat(words("猫 is cute")).containsExactly("猫", "cute");
    assertThat(words("abc東京")).containsExactly("abc", "東京");
    assertThat(words("서울에서")).containsExactly("서울", "울에", "에서");
  }

  @Test
  void accentsAreKeptWhereTheyMakeAnotherLetter() {
    assertThat(words("が")).containsExactly("が"); // dakuten: が is not か
    assertThat(words("हिंदी")).hasSize(1); // vowel signs belong to the word
    assertThat(words("Ёлка")).isEqualTo(words("елка"));
    assertThat(words("Καφές")).isEqualTo(words("καφες"));
  }

  @Test
  void otherScriptsWithoutSpacesAreIndexedPerRun() {
    assertThat(words("สวัสดีครับ ok")).containsExactly("สวัสดีครับ", "ok");
  }

  @Test
  void emojiAreNotIndexed() {
    assertThat(words("🎉👍🏽 1️⃣ ❤️")).isEmpty();
    assertThat(words("ship it👍")).containsExactly("ship");
  }

  @Test
  void theLimitKeepsTheFirstDistinctTerms() {
    String text = IntStream.range(0, 1000).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
    List<String> terms = Terms.of("w0 " + text, Side.MESSAGE, 512).stream().map(Term::value).toList();
    assertThat(terms).hasSize(512).startsWith("w0", "w1").endsWith("w511");
  }

  @Test
  void emptyAndBlankTextHaveNoTerms() {
    assertThat(words("")).isEmpty();
    assertThat(words(" \n\t ")).isEmpty();
  }
}
