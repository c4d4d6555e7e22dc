package dev.fabrik.server.web.ui;

import dev.fabrik.server.command.InfoReport;
import dev.fabrik.server.web.HtmlErrorPage;
import dev.fabrik.server.web.Requests;
import java.io.IOException;

/** Renders pages into the layout: the chrome every page shares, and the styled error page. */
final class Pages implements HtmlErrorPage {
  private final Templates templates = new Templates();
  private final Assets assets;

  Pages(Assets assets) {
    this.assets = assets;
  }

  /** The layout's model for this request, taking the flash the previous POST left. */
  Chrome chrome(Requests r, String title, Nav nav) {
    Flash flash = Flash.take(r);
    return new Chrome(
        title,
        nav,
        flash == null ? null : flash.message(),
        flash != null && flash.error(),
        r.csrfToken(),
        InfoReport.FABRIK_VERSION,
        assets.version());
  }

  /**
   * Only this server's own script and stylesheet may run or apply, and forms may only post back
   * here: a second line of defence should some data ever slip out unescaped.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  /** Answers 200 with {@code template} rendered from {@code model}. */
  void show(Requests r, String template, Object model) throws IOException {
    String html = templates.render(template, model);
    r.responseHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    r.html(200, html);
  }

  /** The 4xx/5xx page browsers get, inside the layout so the navigation still works. */
  @Override
  public String render(int status, String message) {
    String title =
        switch (status) {
          case 400 -> "Bad request";
          case 401 -> "Authentication required";
          case 403 -> "Forbidden";
          case 404 -> "Not found";
          case 405 -> "Method not allowed";
          default -> status >= 500 ? "Server error" : "Request refused";
        };
    Chrome chrome =
        new Chrome(title, null, null, false, "", InfoReport.FABRIK_VERSION, assets.version());
    return templates.render("error.jte", new ErrorPage(chrome, status, message));
  }
}
