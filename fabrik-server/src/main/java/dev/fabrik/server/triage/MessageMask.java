package dev.fabrik.server.triage;

import java.util.regex.Pattern;

/**
 * Masks the parts of an error message that differ between failures of the same cause, so that
 * {@code Order 8812 not found for user 'ann@example.com'} and {@code Order 17 not found for user
 * 'bob'} both read {@code Order <n> not found for user '?'}. In this order (an earlier rule hides
 * its match from the later ones):
 *
 * <ol>
 *   <li>URLs ({@code scheme://...}) → {@code <url>}
 *   <li>email addresses → {@code <email>}
 *   <li>quoted values, {@code '...'} and {@code "..."} → {@code '?'}, {@code "?"} (an apostrophe
 *       inside a word, as in {@code can't}, opens no quote)
 *   <li>UUIDs → {@code <uuid>}
 *   <li>{@code 0x...} and runs of 8+ hex digits holding a digit → {@code <hex>}
 *   <li>tokens of 12+ letters, digits, {@code _} or {@code -} mixing letters and digits (jids,
 *       tokens, generated names) → {@code <id>}
 *   <li>every remaining run of digits (with a decimal part) → {@code <n>}
 * </ol>
 *
 * Runs of white space become one space.
 */
final class MessageMask {

  private static final Pattern URL = Pattern.compile("\\b[A-Za-z][A-Za-z0-9+.-]*://[^\\s'\"<>]+");
  private static final Pattern EMAIL =
      Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+");
  private static final Pattern SINGLE_QUOTED = Pattern.compile("(?<![\\w'])'[^'\\n]*'(?!\\w)");
  private static final Pattern DOUBLE_QUOTED = Pattern.compile("\"[^\"\\n]*\"");
  private static final Pattern UUID =
      Pattern.compile(
          "\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b");
  private static final Pattern HEX =
      Pattern.compile("\\b0[xX][0-9a-fA-F]+\\b|\\b(?=[0-9a-fA-F]*[0-9])[0-9a-fA-F]{8,}\\b");
  private static final Pattern ID =
      Pattern.compile("(?<![\\w-])(?=[\\w-]*[0-9])(?=[\\w-]*[A-Za-z])[\\w-]{12,}(?![\\w-])");
  private static final Pattern NUMBER = Pattern.compile("\\d+(?:\\.\\d+)?");
  private static final Pattern SPACE = Pattern.compile("\\s+");

  private MessageMask() {}

  static String mask(String message) {
    String s = URL.matcher(message).replaceAll("<url>");
    s = EMAIL.matcher(s).replaceAll("<email>");
    s = SINGLE_QUOTED.matcher(s).replaceAll("'?'");
    s = DOUBLE_QUOTED.matcher(s).replaceAll("\"?\"");
    s = UUID.matcher(s).replaceAll("<uuid>");
    s = HEX.matcher(s).replaceAll("<hex>");
    s = ID.matcher(s).replaceAll("<id>");
    s = NUMBER.matcher(s).replaceAll("<n>");
    return SPACE.matcher(s).replaceAll(" ").strip();
  }
}
