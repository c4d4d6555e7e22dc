package dev.fabrik.server.web;

/**
 * Renders an error for a browser: a complete HTML document. The message is plain text and must be
 * escaped by the page.
 */
@FunctionalInterface
public interface HtmlErrorPage {
  String render(int status, String message);

  /** A bare page, until the UI installs its own. */
  HtmlErrorPage PLAIN =
      (status, message) ->
          "<!doctype html><meta charset=\"utf-8\"><title>"
              + status
              + "</title><h1>"
              + status
              + "</h1><p>"
              + escape(message)
              + "</p><p><a href=\"/\">Fabrik</a></p>\n";

  /** Escapes text for an HTML text node or a double-quoted attribute. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
