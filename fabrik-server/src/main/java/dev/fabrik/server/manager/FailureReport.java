package dev.fabrik.server.manager;

import java.util.List;

/**
 * A FAIL as the worker sent it: {@code {"jid":..,"errtype":..,"message":..,"backtrace":[..]}}, plus
 * the optional {@code "snooze": <seconds>} field (null when absent) that asks for a snooze instead
 * of a failure.
 */
public record FailureReport(
    String jid, String errtype, String message, List<String> backtrace, Double snoozeSeconds) {

  /** An ordinary FAIL, without the snooze field. */
  public FailureReport(String jid, String errtype, String message, List<String> backtrace) {
    this(jid, errtype, message, backtrace, null);
  }
}
