package dev.fabrik.server.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The CSRF token every POST must carry (form field {@code csrf} or header {@code X-CSRF-Token}).
 *
 * <p>Why one token per server run rather than per session: access is HTTP Basic auth, which has no
 * session to bind to. The token is a random secret a cross-site page cannot learn — it is only ever
 * sent inside same-origin responses ({@code GET /api/csrf}, the UI's forms) and no CORS header lets
 * another origin read them — so a forged cross-site POST lacks it even when the browser attaches
 * the user's Basic credentials. A restart invalidates open forms; reload.
 */
public final class Csrf {
  /** The form field that carries the token. */
  public static final String FIELD = "csrf";

  /** The header that carries the token (scripts, fetch()). */
  public static final String HEADER = "X-CSRF-Token";

  private final String token;

  private Csrf(String token) {
    this.token = token;
  }

  /** 32 random bytes, base64url without padding (43 characters). */
  public static Csrf random() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return new Csrf(Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
  }

  /** The token to embed in forms and hand to authenticated scripts. */
  public String token() {
    return token;
  }

  /** Constant-time comparison, so response timing does not leak the token byte by byte. */
  public boolean valid(String given) {
    return given != null
        && MessageDigest.isEqual(
            given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
  }
}
