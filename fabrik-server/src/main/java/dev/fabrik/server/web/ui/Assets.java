package dev.fabrik.server.web.ui;

import dev.fabrik.server.web.HttpError;
import dev.fabrik.server.web.Requests;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The UI's stylesheet and script, read from the classpath once. Pages link them as {@code
 * /static/app.css?v=<hash>}; the hash changes with their content, so browsers may keep them for a
 * day and revalidate with the ETag after that.
 */
final class Assets {
  private record Asset(byte[] bytes, String contentType, String etag) {}

  private static final String[] NAMES = {"app.css", "app.js"};

  private final Map<String, Asset> assets;
  private final String version;

  Assets() {
    MessageDigest all = sha256();
    Map<String, Asset> loaded = new java.util.HashMap<>();
    for (String name : NAMES) {
      byte[] bytes = read(name);
      all.update(bytes);
      String type =
          name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
      String etag = "\"" + HexFormat.of().formatHex(sha256().digest(bytes), 0, 8) + "\"";
      loaded.put(name, new Asset(bytes, type, etag));
    }
    this.assets = Map.copyOf(loaded);
    this.version = HexFormat.of().formatHex(all.digest(), 0, 6);
  }

  /** A short hash of every asset, for the {@code ?v=} of their links. */
  String version() {
    return version;
  }

  /** {@code GET /static/{name}}. */
  void serve(Requests r) throws IOException {
    Asset asset = assets.get(r.param("name"));
    if (asset == null) {
      throw HttpError.notFound("no such file: " + r.path());
    }
    r.responseHeader("Cache-Control", "public, max-age=86400");
    r.responseHeader("ETag", asset.etag());
    if (asset.etag().equals(r.header("If-None-Match"))) {
      r.sendEmpty(304);
      return;
    }
    r.send(200, asset.contentType(), asset.bytes());
  }

  private static byte[] read(String name) {
    try (InputStream in = Assets.class.getResourceAsStream("static/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing UI asset static/" + name + " on the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
