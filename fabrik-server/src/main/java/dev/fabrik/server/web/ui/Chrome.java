package dev.fabrik.server.web.ui;

/**
 * What the layout around every page needs: the title, which nav entry is current (null for pages
 * below none, like a job), a one-line flash message from the previous POST, and the CSRF token that
 * every form on the page carries.
 *
 * @param flash null or a short message ("3 jobs retried")
 * @param flashError whether the flash reports a refusal rather than a success
 * @param version the server's version, for the footer
 * @param assets a hash of the CSS and JS, so their URLs change when they do and may be cached
 */
public record Chrome(
    String title,
    Nav active,
    String flash,
    boolean flashError,
    String csrf,
    String version,
    String assets) {

  /** The nav entries, for the layout's loop. */
  public Nav[] nav() {
    return Nav.values();
  }

  /** Whether {@code nav} is the current page. */
  public boolean isActive(Nav nav) {
    return nav == active;
  }
}
