package dev.fabrik.server.web.ui;

import dev.fabrik.server.web.Requests;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The one-line message a POST leaves for the page it redirects to ("3 jobs retried"), carried in a
 * short-lived cookie rather than the URL so that a reloaded or shared link does not repeat it:
 *
 * <pre>
 * POST /dead/actions  →  303 Location: /dead
 *                        Set-Cookie: fabrik_flash=ok%3A3+jobs+retried; Max-Age=60; HttpOnly; ...
 * GET /dead           →  the page shows it, and Set-Cookie: fabrik_flash=; Max-Age=0
 * </pre>
 */
record Flash(String message, boolean error) {
  private static final String COOKIE = "fabrik_flash";
  private static final String ATTRIBUTES = "; Path=/; Max-Age=60; HttpOnly; SameSite=Strict";

  static void ok(Requests r, String message) {
    set(r, "ok:" + message);
  }

  static void error(Requests r, String message) {
    set(r, "error:" + message);
  }

  private static void set(Requests r, String value) {
    r.responseHeader(
        "Set-Cookie", COOKIE + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8) + ATTRIBUTES);
  }

  /** The flash the request carries, clearing it in the response; null when there is none. */
  static Flash take(Requests r) {
    String cookies = r.header("Cookie");
    if (cookies == null) {
      return null;
    }
    for (String part : cookies.split(";")) {
      String c = part.strip();
      if (c.startsWith(COOKIE + "=")) {
        r.responseHeader("Set-Cookie", COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
        String value;
        try {
          value = URLDecoder.decode(c.substring(COOKIE.length() + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return null;
        }
        if (value.startsWith("ok:")) {
          return new Flash(value.substring(3), false);
        }
        if (value.startsWith("error:")) {
          return new Flash(value.substring(6), true);
        }
        return null;
      }
    }
    return null;
  }
}
