package dev.fabrik.server.web;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.auth.LoginThrottle;
import dev.fabrik.server.config.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.io.QuietException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One admin HTTP exchange: what handlers read (path segments, query, form or JSON body) and how
 * they answer (JSON, HTML, redirect, error), plus the checks the dispatcher runs first (auth,
 * same-origin, CSRF). Bodies are bounded: more than {@link #MAX_BODY_BYTES} is a 413, and one that
 * does not arrive within the body timeout closes the connection.
 *
 * <p>It runs on the exchange's own virtual thread, so reading the body may block; answering hands
 * the whole response to Jetty at once, which writes it without a thread and then completes the
 * exchange.
 */
public final class Requests {
  /** Largest form or JSON body accepted (a bulk action naming ~10,000 keys fits). */
  public static final int MAX_BODY_BYTES = 1 << 20;

  /** How much of an oversized body is read and dropped so the client gets its 413. */
  private static final long DRAIN_BYTES = 16L << 20;

  private final Request request;
  private final Response response;
  private final Callback callback;
  private final ServerConfig config;
  private final LoginThrottle logins;
  private final Csrf csrf;
  private final HtmlErrorPage errorPage;
  private final RequestDeadlines deadlines;
  private Map<String, String> params = Map.of();
  private FormData query;
  private byte[] body;
  private FormData form;
  private boolean responded;
  private final long startedNanos = System.nanoTime();

  Requests(
      Request request,
      Response response,
      Callback callback,
      ServerConfig config,
      LoginThrottle logins,
      Csrf csrf,
      HtmlErrorPage errorPage,
      RequestDeadlines deadlines) {
    this.request = request;
    this.response = response;
    this.callback = callback;
    this.config = config;
    this.logins = logins;
    this.csrf = csrf;
    this.errorPage = errorPage;
    this.deadlines = deadlines;
  }

  void params(Map<String, String> params) {
    this.params = Map.copyOf(params);
  }

  // ---------------------------------------------------------------- reading

  public String method() {
    return request.getMethod();
  }

  /** True for HEAD: the GET handler runs and {@link #send} leaves the body out. */
  public boolean isHead() {
    return method().equals("HEAD");
  }

  /** The decoded path, e.g. {@code /api/queues/default/jobs}. */
  public String path() {
    String raw = rawPath();
    try {
      return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return raw;
    }
  }

  /** The path as sent, percent-encoding and all ({@link RouteTable} splits it before decoding). */
  String rawPath() {
    String raw = request.getHttpURI().getPath();
    return raw == null || raw.isEmpty() ? "/" : raw;
  }

  /** A named path segment of the route's pattern ({@code {name}}), percent-decoded. */
  public String param(String name) {
    String v = params.get(name);
    if (v == null) {
      throw new IllegalArgumentException("the route has no segment {" + name + "}");
    }
    return v;
  }

  /** A request header, or null. */
  public String header(String name) {
    return request.getHeaders().get(name);
  }

  /** The query string's parameters. */
  public FormData query() {
    if (query == null) {
      query = FormData.parse(request.getHttpURI().getQuery());
    }
    return query;
  }

  /** A query parameter, or {@code fallback} when absent or blank. */
  public String query(String name, String fallback) {
    return query().first(name).filter(v -> !v.isBlank()).orElse(fallback);
  }

  /**
   * An integer query parameter clamped into {@code [min, max]}; {@code fallback} when absent.
   *
   * @throws HttpError 400 when it is not an integer
   */
  public int queryInt(String name, int fallback, int min, int max) {
    Optional<String> v = query().first(name).filter(s -> !s.isBlank());
    if (v.isEmpty()) {
      return fallback;
    }
    long n;
    try {
      n = Long.parseLong(v.get().trim());
    } catch (NumberFormatException e) {
      throw HttpError.badRequest(name + " must be an integer, not \"" + v.get() + "\"");
    }
    return (int) Math.max(min, Math.min(max, n));
  }

  /**
   * The raw body, at most {@link #MAX_BODY_BYTES}; read once and kept. The body timeout runs while
   * it is read: a client that stops sending has its connection closed, and this throws.
   */
  public byte[] body() throws IOException {
    if (body == null) {
      try (RequestDeadlines.Deadline deadline = deadlines.body(request)) {
        InputStream in = Request.asInputStream(request);
        String length = header("Content-Length");
        if (length != null) {
          long declared;
          try {
            declared = Long.parseLong(length.trim());
          } catch (NumberFormatException e) {
            throw HttpError.badRequest("bad Content-Length");
          }
          if (declared > MAX_BODY_BYTES) {
            throw tooLarge(in);
          }
        }
        byte[] read = in.readNBytes(MAX_BODY_BYTES + 1);
        if (read.length > MAX_BODY_BYTES) {
          throw tooLarge(in);
        }
        body = read;
      }
    }
    return body;
  }

  /**
   * Reads and drops what the client is still sending (up to {@link #DRAIN_BYTES}) before the 413:
   * answering while the client still writes makes the server close a connection with unread data,
   * and the client then sees a reset instead of the 413.
   */
  private static HttpError tooLarge(InputStream in) throws IOException {
    byte[] sink = new byte[64 * 1024];
    long drained = 0;
    int n;
    while (drained < DRAIN_BYTES && (n = in.read(sink)) > 0) {
      drained += n;
    }
    return new HttpError(413, "request body is larger than " + MAX_BODY_BYTES + " bytes");
  }

  /**
   * The body as form fields when it is {@code application/x-www-form-urlencoded}; empty for any
   * other content type.
   */
  public FormData form() throws IOException {
    if (form == null) {
      form =
          contentType().startsWith("application/x-www-form-urlencoded")
              ? FormData.parse(new String(body(), StandardCharsets.UTF_8))
              : FormData.empty();
    }
    return form;
  }

  /**
   * The body as a JSON object; an empty body is an empty object.
   *
   * @throws HttpError 400 for malformed JSON or a non-object, 413 when too large
   */
  public ObjectNode jsonBody() throws IOException {
    byte[] b = body();
    if (b.length == 0) {
      return JobCodec.MAPPER.createObjectNode();
    }
    JsonNode tree;
    try {
      tree = JobCodec.MAPPER.readTree(b);
    } catch (JacksonException e) {
      throw HttpError.badRequest("request body is not valid JSON: " + e.getOriginalMessage());
    }
    if (!(tree instanceof ObjectNode o)) {
      throw HttpError.badRequest("request body must be a JSON object");
    }
    return o;
  }

  private String contentType() {
    String ct = header("Content-Type");
    return ct == null ? "" : ct.toLowerCase(Locale.ROOT).trim();
  }

  /** The token forms must carry in their {@code csrf} field. */
  public String csrfToken() {
    return csrf.token();
  }

  /**
   * True when errors for this request should be HTML: a browser (Accept names text/html) on a page
   * outside {@code /api/}.
   */
  public boolean wantsHtml() {
    String accept = header("Accept");
    return !path().startsWith("/api/")
        && accept != null
        && accept.toLowerCase(Locale.ROOT).contains("text/html");
  }

  /** The address the request came from, or null when unknown. */
  InetAddress remoteAddress() {
    return request.getConnectionMetaData().getRemoteSocketAddress() instanceof InetSocketAddress a
        ? a.getAddress()
        : null;
  }

  // ---------------------------------------------------------------- checks

  /**
   * HTTP Basic auth against the server password; the username is ignored, as in Faktory's UI:
   * {@code curl -u :secret http://127.0.0.1:7420/api/info}. A request without credentials gets the
   * 401 challenge at once (browsers ask that way first); wrong ones get it after the source's delay
   * (see {@link LoginThrottle}: this runs on the exchange's virtual thread), and a source over its
   * budget gets a 429 without its password being looked at.
   */
  boolean authorized() throws IOException {
    if (!config.hasPassword()) {
      return true;
    }
    String credentials = header("Authorization");
    if (credentials == null) {
      return challenge();
    }
    LoginThrottle.Attempt attempt = logins.attempt(remoteAddress(), LoginThrottle.Port.WEB);
    if (!attempt.admitted()) {
      logins.pause(attempt.failed());
      error(429, "too many failed password attempts; try again later");
      return false;
    }
    if (passwordMatches(credentials)) {
      attempt.succeeded();
      return true;
    }
    logins.pause(attempt.failed());
    return challenge();
  }

  private boolean challenge() throws IOException {
    responseHeader("WWW-Authenticate", "Basic realm=\"Fabrik\"");
    error(401, "authentication required");
    return false;
  }

  private boolean passwordMatches(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
    int colon = decoded.indexOf(':');
    String given = colon < 0 ? decoded : decoded.substring(colon + 1);
    return MessageDigest.isEqual(
        given.getBytes(StandardCharsets.UTF_8), config.password().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Refuses cross-site state changes the way Go's CrossOriginProtection (Faktory 1.9.4+) does: a
   * {@code Sec-Fetch-Site} other than {@code same-origin}/{@code none}, or else an {@code Origin}
   * whose host differs from {@code Host}, is a 403. Requests with neither header (curl, the CLI)
   * pass.
   */
  boolean sameOrigin() throws IOException {
    String site = header("Sec-Fetch-Site");
    if (site != null) {
      if (site.equals("same-origin") || site.equals("none")) {
        return true;
      }
      error(403, "cross-origin request refused");
      return false;
    }
    String origin = header("Origin");
    if (origin == null || originHost(origin).equalsIgnoreCase(host())) {
      return true;
    }
    error(403, "cross-origin request refused");
    return false;
  }

  /** The CSRF token from the {@code X-CSRF-Token} header, else the form field {@code csrf}. */
  boolean csrfValid() throws IOException {
    String given = header(Csrf.HEADER);
    if (given == null) {
      given = form().first(Csrf.FIELD).orElse(null);
    }
    if (csrf.valid(given)) {
      return true;
    }
    error(
        403,
        given == null
            ? "missing CSRF token: send the X-CSRF-Token header (GET /api/csrf gives it) or the"
                + " csrf form field"
            : "invalid CSRF token (the server may have restarted: fetch /api/csrf or reload)");
    return false;
  }

  private String host() {
    String host = header("Host");
    return host == null ? "" : host;
  }

  private static String originHost(String origin) {
    try {
      String authority = URI.create(origin).getRawAuthority();
      return authority == null ? "\0" : authority;
    } catch (IllegalArgumentException e) {
      return "\0";
    }
  }

  // ---------------------------------------------------------------- answering

  /** True once a response has been sent. */
  public boolean responded() {
    return responded;
  }

  public void json(int status, JsonNode body) throws IOException {
    send(status, "application/json", JobCodec.MAPPER.writeValueAsBytes(body));
  }

  /** A complete HTML document, already escaped by its template. */
  public void html(int status, String document) throws IOException {
    send(status, "text/html; charset=utf-8", document.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Any other body ({@code text/plain; version=0.0.4} for /metrics). A {@code Cache-Control} the
   * handler set beforehand is kept; otherwise the answer is {@code no-store}.
   */
  public void send(int status, String contentType, byte[] bytes) throws IOException {
    var h = response.getHeaders();
    h.put("Content-Type", contentType);
    if (!h.contains("Cache-Control")) {
      h.put("Cache-Control", "no-store");
    }
    h.put("X-Content-Type-Options", "nosniff");
    h.put("X-Frame-Options", "DENY");
    h.put("Referrer-Policy", "same-origin");
    // The time spent here (routing, store reads, rendering) before the body goes out, so an
    // operator's browser tools show server time apart from the network: "app;dur=4.2" (ms).
    h.put("Server-Timing", serverTiming());
    finish(status, bytes);
  }

  /** A status with headers only: 304, or a redirect. */
  public void sendEmpty(int status) throws IOException {
    finish(status, new byte[0]);
  }

  private void finish(int status, byte[] bytes) {
    if (responded) {
      throw new IllegalStateException("response already sent for " + path());
    }
    responded = true;
    response.setStatus(status);
    boolean bodyless = status == 304 || status == 204 || status < 200;
    if (!bodyless) {
      // HEAD: the length GET would send, and no body.
      response.getHeaders().put("Content-Length", Integer.toString(bytes.length));
    }
    ByteBuffer content = isHead() || bodyless ? ByteBuffer.allocate(0) : ByteBuffer.wrap(bytes);
    response.write(true, content, deadlines.whenSent(request, callback));
  }

  private String serverTiming() {
    long micros = (System.nanoTime() - startedNanos) / 1_000;
    return "app;dur=" + micros / 1000 + "." + micros % 1000 / 100;
  }

  /**
   * Starts a response whose body is written piece by piece (Server-Sent Events): status 200, no
   * {@code Content-Length} (chunked), nothing cached. The caller writes through the returned stream
   * from this exchange's thread and must {@link ResponseStream#finish finish} or {@link
   * ResponseStream#abort abort} it.
   */
  public ResponseStream stream(String contentType) {
    if (responded) {
      throw new IllegalStateException("response already sent for " + path());
    }
    responded = true;
    var h = response.getHeaders();
    h.put("Content-Type", contentType);
    h.put("Cache-Control", "no-store");
    h.put("X-Content-Type-Options", "nosniff");
    h.put("X-Accel-Buffering", "no"); // a reverse proxy must pass each event on at once
    response.setStatus(200);
    return new ResponseStream(request, response, callback, deadlines);
  }

  /** 303 See Other to {@code location} (a path on this server), for POST-redirect-GET. */
  public void redirect(String location) throws IOException {
    responseHeader("Location", location);
    responseHeader("Cache-Control", "no-store");
    sendEmpty(303);
  }

  /** {@code {"error":"..."}} for the API and scripts; an HTML page for browsers. */
  public void error(int status, String message) throws IOException {
    if (wantsHtml()) {
      html(status, errorPage.render(status, message));
      return;
    }
    ObjectNode body = JobCodec.MAPPER.createObjectNode();
    body.put("error", message);
    json(status, body);
  }

  /** Sets a response header (before answering). */
  public void responseHeader(String name, String value) {
    response.getHeaders().put(name, value);
  }

  /**
   * Ends an exchange its handler left unanswered or that failed on the way (a closed connection, a
   * body that never came): Jetty then closes the connection. An I/O failure is the client's doing
   * and expected; Jetty logs it only at debug level.
   */
  void abandon(Throwable cause) {
    if (!responded) {
      responded = true;
      callback.failed(cause instanceof IOException ? new QuietException.Exception(cause) : cause);
    }
  }
}
