package dev.fabrik.server.web.ui;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;

/**
 * The precompiled JTE templates of {@code src/main/jte} (the jte-maven-plugin turns them into
 * classes at build time, so no compiler runs in the server). Output is HTML-escaped by the template
 * engine; no template writes data unescaped.
 */
final class Templates {
  private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

  /** Renders {@code name} (like {@code "dashboard.jte"}) with its single {@code @param} record. */
  String render(String name, Object model) {
    StringOutput out = new StringOutput(8192);
    engine.render(name, model, out);
    return out.toString();
  }
}
