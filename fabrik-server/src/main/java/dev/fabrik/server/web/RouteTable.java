package dev.fabrik.server.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The admin HTTP server's routes: method + path pattern → {@link Handler}. Patterns are literal
 * segments and named ones in braces, matched whole segment by segment:
 *
 * <pre>
 * routes.get("/api/queues/{name}/jobs", r -&gt; ... r.param("name") ...);
 * routes.post("/api/queues/{name}/pause", ...);   // CSRF + same-origin checked before the handler
 * routes.getOpen("/health", ...);                  // no auth even with a password
 * </pre>
 *
 * When several patterns match, the one with more literal segments wins ({@code /api/sets/{set}/
 * actions} over {@code /api/sets/{set}/{key}}). A path that matches only under another method is a
 * 405 with {@code Allow}. Every GET route answers HEAD as well (same status and headers, no body:
 * {@code curl -I}, uptime monitors), so {@code Allow} names HEAD beside GET. The UI ({@code
 * web.ui}), the JSON API ({@code web.api}) and {@code /metrics} each register their own routes;
 * registration is done before the server starts.
 */
public final class RouteTable {
  /** One registered route. {@code open} routes skip Basic auth. */
  record Route(String method, List<String> segments, Handler handler, boolean open) {
    int literals() {
      return (int) segments.stream().filter(s -> !isNamed(s)).count();
    }

    Map<String, String> match(List<String> path) {
      if (path.size() != segments.size()) {
        return null;
      }
      Map<String, String> params = new LinkedHashMap<>();
      for (int i = 0; i < segments.size(); i++) {
        String s = segments.get(i);
        if (isNamed(s)) {
          if (path.get(i).isEmpty()) {
            return null;
          }
          params.put(s.substring(1, s.length() - 1), path.get(i));
        } else if (!s.equals(path.get(i))) {
          return null;
        }
      }
      return params;
    }
  }

  /** What a lookup found. */
  sealed interface Lookup {}

  record Found(Route route, Map<String, String> params) implements Lookup {}

  record WrongMethod(Set<String> allowed) implements Lookup {}

  record NotFound() implements Lookup {}

  private final List<Route> routes = new CopyOnWriteArrayList<>();
  private volatile HtmlErrorPage errorPage = HtmlErrorPage.PLAIN;

  /** How errors are shown to browsers (the UI installs its styled page); API errors stay JSON. */
  public void htmlErrorPage(HtmlErrorPage page) {
    this.errorPage = page;
  }

  HtmlErrorPage htmlErrorPage() {
    return errorPage;
  }

  /** A GET route behind Basic auth (when the server has a password). */
  public void get(String pattern, Handler handler) {
    add("GET", pattern, handler, false);
  }

  /** A GET route anyone may call ({@code /health}; perhaps {@code /metrics}). */
  public void getOpen(String pattern, Handler handler) {
    add("GET", pattern, handler, true);
  }

  /**
   * A state-changing route: Basic auth, then same-origin, then a valid CSRF token (form field
   * {@code csrf} or header {@code X-CSRF-Token}) are required before {@code handler} runs.
   */
  public void post(String pattern, Handler handler) {
    add("POST", pattern, handler, false);
  }

  private void add(String method, String pattern, Handler handler, boolean open) {
    if (!pattern.startsWith("/")) {
      throw new IllegalArgumentException("pattern must start with /: " + pattern);
    }
    List<String> segments = split(pattern);
    for (Route r : routes) {
      if (r.method().equals(method) && r.segments().equals(segments)) {
        throw new IllegalArgumentException("duplicate route " + method + " " + pattern);
      }
    }
    routes.add(new Route(method, segments, handler, open));
  }

  Lookup find(String requested, String rawPath) {
    // HEAD runs the GET handler; Requests then sends the headers without the body.
    String method = requested.equals("HEAD") ? "GET" : requested;
    List<String> path = decodedSegments(rawPath);
    Found best = null;
    int mostLiterals = -1;
    for (Route r : routes) {
      Map<String, String> params = r.match(path);
      if (params == null) {
        continue;
      }
      mostLiterals = Math.max(mostLiterals, r.literals());
      if (r.method().equals(method) && (best == null || r.literals() > best.route().literals())) {
        best = new Found(r, params);
      }
    }
    if (mostLiterals < 0) {
      return new NotFound();
    }
    if (best != null && best.route().literals() == mostLiterals) {
      return best;
    }
    // The most specific match is under other methods: GET /api/sets/dead/actions is a 405 (POST
    // only), not a lookup of the entry key "actions".
    Set<String> allowed = new LinkedHashSet<>();
    for (Route r : routes) {
      if (r.literals() == mostLiterals && r.match(path) != null) {
        allowed.add(r.method());
        if (r.method().equals("GET")) {
          allowed.add("HEAD");
        }
      }
    }
    return new WrongMethod(allowed);
  }

  private static boolean isNamed(String segment) {
    return segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}");
  }

  private static List<String> split(String path) {
    String p =
        path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    List<String> out = new ArrayList<>();
    for (String s : p.substring(1).split("/", -1)) {
      out.add(s);
    }
    return out;
  }

  /** Splits on {@code /} first, then percent-decodes each segment, so {@code %2F} stays inside. */
  private static List<String> decodedSegments(String rawPath) {
    List<String> out = new ArrayList<>();
    for (String s : split(rawPath == null || rawPath.isEmpty() ? "/" : rawPath)) {
      out.add(percentDecode(s));
    }
    return out;
  }

  private static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    try {
      // '+' is a literal plus in a path; only form encoding turns it into a space.
      return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest("malformed percent-encoding in path segment \"" + s + "\"");
    }
  }
}
