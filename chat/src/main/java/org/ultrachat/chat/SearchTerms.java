package org.ultrachat.chat;

import java.util.List;

/**
 * Turns text into the blind-index terms stored beside a message and looked up by search. The
 * app wires in the platform's keyed implementation; terms never contain the words themselves.
 */
interface SearchTerms {
  /** @return the distinct terms of a message body */
  List<String> ofDocument(String text);

  /** @return the terms a message must all carry to match the query; empty when nothing is searchable */
  List<String> ofQuery(String query);
}
