package org.ultrachat.bench;

/** Plausible message text, deterministic per seed, so that search finds words. */
final class Words {
  private static final String[] WORDS = ("release deploy review meeting lunch bug fix test design customer server "
      + "database latency budget sprint ticket report launch backup cluster monitor alert incident merge branch "
      + "feature roadmap invoice contract hiring onboarding coffee weekend travel office remote schedule").split(" ");

  private Words() {
  }

  static String word(long seed) {
    return WORDS[(int) Math.floorMod(seed * 2654435761L, (long) WORDS.length)];
  }

  static String sentence(long seed) {
    StringBuilder s = new StringBuilder();
    int n = 6 + (int) Math.floorMod(seed, 10L);
    for (int i = 0; i < n; i++) {
      s.append(i == 0 ? "" : " ").append(word(seed * 31 + i));
    }
    return s.toString();
  }
}
