package org.ultrachat.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  private final PasswordHasher hasher = new PasswordHasher(19_456, 2, 1);

  @Test
  void hashIsAnArgon2idPhcStringThatVerifies() {
    String phc = hasher.hash("correct horse battery staple");
    assertThat(phc).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
    assertThat(hasher.verify("correct horse battery staple", phc)).isTrue();
    assertThat(hasher.verify("correct horse battery stapler", phc)).isFalse();
  }

  @Test
  void saltMakesEveryHashDifferent() {
    assertThat(hasher.hash("same password")).isNotEqualTo(hasher.hash("same password"));
  }

  @Test
  void hashesMadeWithOtherCostsNeedARehash() {
    String old = hasher.hash("password123");
    PasswordHasher stronger = new PasswordHasher(32_768, 3, 1);
    assertThat(stronger.needsRehash(old)).isTrue();
    assertThat(stronger.verify("password123", old)).as("old hashes still verify").isTrue();
    assertThat(hasher.needsRehash(old)).isFalse();
  }

  @Test
  void costsBelowOwaspMinimumAreRefused() {
    assertThatThrownBy(() -> new PasswordHasher(4096, 2, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void garbageHashNeverVerifies() {
    assertThat(hasher.verify("x", "$argon2id$v=19$m=1,t=1,p=1$AAAA$AAAA")).isFalse();
    assertThat(hasher.verify("x", "plain")).isFalse();
  }
}
