package dev.fabrik.server.manager;

import java.util.List;

/** A FAIL as the worker sent it: {@code {"jid":..,"errtype":..,"message":..,"backtrace":[..]}}. */
public record FailureReport(String jid, String errtype, String message, List<String> backtrace) {}
