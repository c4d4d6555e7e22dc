package dev.fabrik.server.manager;

import java.util.ArrayList;
import java.util.List;

/**
 * A Redis glob (what MUTATE's {@code regexp} really is): {@code *} any run, {@code ?} one
 * character, {@code [abc]}, {@code [a-z]}, {@code [^abc]} classes, and {@code \} escaping the next
 * character (also inside classes). The whole text must match: {@code *uid:67123*} matches {@code
 * ...truid:67123...} but {@code uid:67123} alone does not. An unterminated {@code [} takes the rest
 * of the pattern as its class, as Redis does.
 */
final class Glob {
  private final List<Token> tokens;

  private Glob(List<Token> tokens) {
    this.tokens = tokens;
  }

  static Glob compile(String pattern) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    while (i < pattern.length()) {
      char c = pattern.charAt(i);
      switch (c) {
        case '*' -> {
          if (out.isEmpty() || !(out.getLast() instanceof Star)) {
            out.add(new Star());
          }
          i++;
        }
        case '?' -> {
          out.add(new AnyChar());
          i++;
        }
        case '[' -> i = parseClass(pattern, i + 1, out);
        case '\\' -> {
          if (i + 1 < pattern.length()) {
            out.add(new Literal(pattern.charAt(i + 1)));
            i += 2;
          } else {
            out.add(new Literal('\\'));
            i++;
          }
        }
        default -> {
          out.add(new Literal(c));
          i++;
        }
      }
    }
    return new Glob(List.copyOf(out));
  }

  private static int parseClass(String p, int i, List<Token> out) {
    boolean negated = i < p.length() && p.charAt(i) == '^';
    if (negated) {
      i++;
    }
    List<char[]> ranges = new ArrayList<>();
    while (i < p.length() && p.charAt(i) != ']') {
      char c = p.charAt(i);
      if (c == '\\' && i + 1 < p.length()) {
        ranges.add(new char[] {p.charAt(i + 1), p.charAt(i + 1)});
        i += 2;
      } else if (i + 2 < p.length() && p.charAt(i + 1) == '-' && p.charAt(i + 2) != ']') {
        char a = c;
        char b = p.charAt(i + 2);
        ranges.add(a <= b ? new char[] {a, b} : new char[] {b, a});
        i += 3;
      } else {
        ranges.add(new char[] {c, c});
        i++;
      }
    }
    out.add(new CharClass(ranges, negated));
    return Math.min(i + 1, p.length() + 1);
  }

  boolean matches(CharSequence text) {
    int t = 0;
    int p = 0;
    int starP = -1;
    int starT = -1;
    int n = tokens.size();
    // Every token but * consumes exactly one character, so backtracking to the last * suffices.
    while (t < text.length()) {
      if (p < n && tokens.get(p) instanceof Star) {
        starP = p++;
        starT = t;
      } else if (p < n && tokens.get(p).matches(text.charAt(t))) {
        p++;
        t++;
      } else if (starP >= 0) {
        p = starP + 1;
        t = ++starT;
      } else {
        return false;
      }
    }
    while (p < n && tokens.get(p) instanceof Star) {
      p++;
    }
    return p == n;
  }

  private sealed interface Token permits Star, AnyChar, Literal, CharClass {
    default boolean matches(char c) {
      return false;
    }
  }

  private record Star() implements Token {}

  private record AnyChar() implements Token {
    @Override
    public boolean matches(char c) {
      return true;
    }
  }

  private record Literal(char value) implements Token {
    @Override
    public boolean matches(char c) {
      return c == value;
    }
  }

  private record CharClass(List<char[]> ranges, boolean negated) implements Token {
    @Override
    public boolean matches(char c) {
      boolean in = false;
      for (char[] r : ranges) {
        if (c >= r[0] && c <= r[1]) {
          in = true;
          break;
        }
      }
      return in != negated;
    }
  }
}
