package org.ultrachat.platform.search;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import org.ultrachat.platform.crypto.MasterKey;
import org.ultrachat.platform.http.ProblemException;

/**
 * The blind index for searching messages that are stored encrypted: a message's words become
 * keyed tokens, stored with the message; a query's words become the same tokens, and a message
 * matches when its tokens contain all of them. A token is HMAC-SHA256 under the search key of
 * {@code "v1|<kind>|<term>"} (kind {@code term}, {@code mention} or {@code tag}), cut to 16 bytes,
 * in unpadded base64url: 22 characters. Without the search key a token says nothing about its
 * word. The same tokens are made whether message bodies are encrypted or not.
 *
 * <p>Words are normalised (NFKC, case folded, accents removed) and English words stemmed, so
 * {@code Running}, {@code runs} and {@code run} match; docs/architecture.md ("Search over
 * encrypted messages") says what can and cannot match. Thread-safe, CPU work only: it may run on
 * an event loop.
 */
public final class BlindIndex {
  /** Most tokens a message gets: words beyond the 512th distinct one are not searchable. */
  public static final int MAX_DOCUMENT_TOKENS = 512;
  /** Most distinct words (tokens) a query may have. */
  public static final int MAX_QUERY_TOKENS = 32;

  /** The search key's HKDF label; a new search key (new label) means indexing every message again. */
  static final String KEY_LABEL = "ultrachat search key v1";
  private static final String FORMAT = "v1";
  private static final int TOKEN_BYTES = 16;
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final SecretKey searchKey;

  private BlindIndex(SecretKey searchKey) {
    this.searchKey = searchKey;
  }

  /** @return an index whose search key is derived from {@code master}, apart from the data keys */
  public static BlindIndex create(MasterKey master) {
    Objects.requireNonNull(master, "master");
    return new BlindIndex(master.derive(KEY_LABEL));
  }

  /**
   * @return the distinct tokens of a message body, sorted (so their order says nothing of the
   *     order of the words), at most {@link #MAX_DOCUMENT_TOKENS}, from the words that come first;
   *     empty when it has no indexable word
   */
  public List<String> documentTokens(String body) {
    return tokens(Terms.of(body, Terms.Side.MESSAGE, MAX_DOCUMENT_TOKENS));
  }

  /**
   * @return the distinct tokens of a query's words, sorted, every one of which a matching message
   *     has; empty when the query has no indexable word (only stop words, punctuation or emoji),
   *     which matches nothing, not everything
   * @throws ProblemException.BadInput when the query has more than {@link #MAX_QUERY_TOKENS} words
   */
  public List<String> queryTokens(String query) {
    List<Terms.Term> terms = Terms.of(query, Terms.Side.QUERY, MAX_QUERY_TOKENS + 1);
    if (terms.size() > MAX_QUERY_TOKENS) {
      throw new ProblemException.BadInput("a search may have at most " + MAX_QUERY_TOKENS + " words");
    }
    return tokens(terms);
  }

  private List<String> tokens(List<Terms.Term> terms) {
    Mac mac = mac();
    Set<String> tokens = new TreeSet<>();
    for (Terms.Term term : terms) {
      mac.update((FORMAT + "|" + term.kind().domain + "|").getBytes(StandardCharsets.UTF_8));
      byte[] hash = mac.doFinal(term.value().getBytes(StandardCharsets.UTF_8));
      tokens.add(BASE64URL.encodeToString(Arrays.copyOf(hash, TOKEN_BYTES)));
    }
    return List.copyOf(tokens);
  }

  private Mac mac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(searchKey);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is unavailable in this JDK", e);
    }
  }

  @Override
  public String toString() {
    return "BlindIndex(" + KEY_LABEL + ")";
  }
}
