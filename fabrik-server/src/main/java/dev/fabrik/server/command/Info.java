package dev.fabrik.server.command;

import dev.fabrik.protocol.Reply;

/** {@code INFO} → bulk JSON of {@link InfoReport}; trailing text is ignored, as in Faktory. */
final class Info implements CommandHandler {
  private final InfoReport report;

  Info(InfoReport report) {
    this.report = report;
  }

  @Override
  public Reply handle(String argument, Session session) {
    return Reply.bulk(report.json());
  }
}
