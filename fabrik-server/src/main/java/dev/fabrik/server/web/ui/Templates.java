package dev.fabrik.server.web.ui;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.Utf8ByteOutput;

/**
 * The precompiled JTE templates of {@code src/main/jte} (the jte-maven-plugin turns them into
 * classes at build time). Output is HTML-escaped unless a template says otherwise, which none does
 * for data.
 */
final class Templates {
  private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

  /**
   * Renders {@code name} (like {@code "dashboard.jte"}) with its single {@code @param} record.
   *
   * @return UTF-8 bytes of the page
   */
  byte[] render(String name, Object model) {
    Utf8ByteOutput out = new Utf8ByteOutput();
    engine.render(name, model, out);
    return out.toByteArray();
  }
}
