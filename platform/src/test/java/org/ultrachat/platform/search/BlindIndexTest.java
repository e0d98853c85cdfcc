package org.ultrachat.platform.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.NodeSettings;
import org.ultrachat.platform.crypto.MasterKey;
import org.ultrachat.platform.http.ProblemException;

class BlindIndexTest {
  /** The master key of bytes 0, 1, ... 31, for tokens checked against an independent computation. */
  private static final String FIXED_MASTER_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  private static final SecureRandom RANDOM = new SecureRandom();

  private static BlindIndex index(String masterKey) {
    return BlindIndex.create(MasterKey.load(Config.defaults().with(Map.of(NodeSettings.MASTER_KEY, masterKey))));
  }

  private static String randomKey() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  private final BlindIndex index = index(randomKey());

  @Test
  void theSameWordInAnyCaseAccentsOrInflectionGivesTheSameToken() {
    List<String> run = index.queryTokens("run");
    assertThat(run).hasSize(1)
        .isEqualTo(index.documentTokens("RUNNING"))
        .isEqualTo(index.documentTokens("runs!"))
        .isEqualTo(index.queryTokens("Runs"));
    assertThat(index.queryTokens("résumé")).isEqualTo(index.queryTokens("RESUME"));
  }

  @Test
  void differentWordsGiveDifferentTokens() {
    assertThat(index.documentTokens("apple banana cherry")).hasSize(3).doesNotHaveDuplicates();
    assertThat(index.queryTokens("run")).doesNotContainAnyElementsOf(index.queryTokens("ran"));
  }

  @Test
  void aWordAMentionAndATagOfOneNameGiveThreeTokens() {
    assertThat(index.queryTokens("deploy @deploy #deploy")).hasSize(3).doesNotHaveDuplicates();
  }

  @Test
  void tokensAre22CharactersOfUnpaddedBase64Url() {
    assertThat(index.documentTokens("hello world 東京 @bob #ship"))
        .hasSize(7) // hello, world, 東京, bob and @bob, ship and #ship
        .allSatisfy(token -> assertThat(token).matches("[A-Za-z0-9_-]{22}"));
  }

  @Test
  void tokensAreHmacSha256UnderTheSearchKeyDerivedFromTheMasterKey() {
    // Computed apart from this code: HKDF-SHA256(no salt, master key, "ultrachat search key v1"),
    // then HMAC-SHA256 of "v1|<kind>|<term>" cut to 16 bytes, base64url. Stored indexes rely on it.
    BlindIndex fixed = index(FIXED_MASTER_KEY);
    assertThat(fixed.queryTokens("Running")).containsExactly("pnqfBwAI3HZ3jF8cLZEdGQ");
    assertThat(fixed.queryTokens("@alice #deploy"))
        .containsExactlyInAnyOrder("18MuvifRH5CVGmFNo4k-tA", "tKNfgot5-ubpLs7pTUUY4A");
  }

  @Test
  void tokensAreSortedSoTheirOrderSaysNothingOfTheWordOrder() {
    List<String> forwards = index.documentTokens("alpha bravo charlie delta echo foxtrot");
    assertThat(forwards).isSorted().isEqualTo(index.documentTokens("foxtrot echo delta charlie bravo alpha"));
  }

  @Test
  void anotherMasterKeyGivesUnrelatedTokens() {
    String text = "the quarterly report is ready @carol #finance";
    assertThat(index(randomKey()).documentTokens(text)).doesNotContainAnyElementsOf(index.documentTokens(text));
  }

  @Test
  void instancesWithTheSameMasterKeyGiveTheSameTokens() {
    String key = randomKey();
    String text = "Deploying the new build to staging, @dave #ops 東京";
    assertThat(index(key).documentTokens(text)).isEqualTo(index(key).documentTokens(text)).hasSize(9);
  }

  @Test
  void aTokenHoldsNeitherItsWordNorAnUnkeyedHashOfIt() throws NoSuchAlgorithmException {
    String token = index.queryTokens("password").get(0);
    assertThat(token.toLowerCase()).doesNotContain("password", "passwor");
    for (String input : List.of("password", "passwor", "v1|term|passwor", "v1|term|password")) {
      byte[] plain = MessageDigest.getInstance("SHA-256").digest(input.getBytes(StandardCharsets.UTF_8));
      assertThat(token)
          .isNotEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(plain, 16)))
          .doesNotContain(HexFormat.of().formatHex(plain, 0, 8));
    }
  }

  @Test
  void theTokensOfAMatchingQueryAreAmongTheMessagesTokens() {
    List<String> message = index.documentTokens(
        "We're running the Release on Friday — @Bob, please check #deploy-notes. 東京都 team");
    assertThat(message).containsAll(index.queryTokens("run friday"));
    assertThat(message).containsAll(index.queryTokens("releases @bob #deploy"));
    assertThat(message).containsAll(index.queryTokens("bob deploy notes"));
    assertThat(message).containsAll(index.queryTokens("東京"));
    assertThat(message).doesNotContainAnyElementsOf(index.queryTokens("tuesday"));
    assertThat(message).doesNotContainAnyElementsOf(index.queryTokens("@friday"));
    assertThat(message).doesNotContainAnyElementsOf(index.queryTokens("fri")); // no prefixes
  }

  @Test
  void aQueryWithoutIndexableWordsHasNoTokens() {
    assertThat(index.queryTokens("")).isEmpty();
    assertThat(index.queryTokens("the")).isEmpty();
    assertThat(index.queryTokens("?! ... 🎉")).isEmpty();
  }

  @Test
  void aMessageWithoutIndexableWordsHasNoTokens() {
    assertThat(index.documentTokens("")).isEmpty();
    assertThat(index.documentTokens("👍🏽🎉")).isEmpty();
  }

  @Test
  void aLongMessageGetsAtMost512Tokens() {
    String text = IntStream.range(0, 5000).mapToObj(i -> "word" + i).collect(Collectors.joining(" "));
    List<String> tokens = index.documentTokens(text);
    assertThat(tokens).hasSize(BlindIndex.MAX_DOCUMENT_TOKENS).doesNotHaveDuplicates();
    assertThat(tokens).containsAll(index.queryTokens("word511")).doesNotContainAnyElementsOf(index.queryTokens("word512"));
  }

  @Test
  void aVeryLongWordIsNotIndexed() {
    assertThat(index.documentTokens("x".repeat(10_000))).isEmpty();
  }

  @Test
  void aQueryMayHaveAtMost32Words() {
    String words32 = IntStream.range(0, 32).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
    assertThat(index.queryTokens(words32)).hasSize(32);
    assertThatThrownBy(() -> index.queryTokens(words32 + " w32"))
        .isInstanceOf(ProblemException.BadInput.class)
        .hasMessageContaining("at most 32 words");
  }

  @Test
  void toStringDoesNotShowTheKey() {
    assertThat(index(FIXED_MASTER_KEY).toString()).isEqualTo("BlindIndex(ultrachat search key v1)");
  }
}
