package dev.fabrik.server.web.ui;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Requests the HTML pages of a test server the way a browser does ({@code Accept: text/html}). */
final class PageClient implements AutoCloseable {
  private final HttpClient http = HttpClient.newHttpClient();
  private final int port;

  PageClient(int port) {
    this.port = port;
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Accept", "text/html")
        .timeout(Duration.ofSeconds(10));
  }

  HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(request(path).build());
  }

  HttpResponse<String> get(String path, String cookie) throws IOException, InterruptedException {
    return send(request(path).header("Cookie", cookie).build());
  }

  /** A form POST, as the pages' forms send it. */
  HttpResponse<String> post(String path, String form) throws IOException, InterruptedException {
    return send(
        request(path)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build());
  }

  @Override
  public void close() {
    http.close();
  }
}
