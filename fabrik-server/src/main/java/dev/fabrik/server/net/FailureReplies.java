package dev.fabrik.server.net;

import dev.fabrik.protocol.Reply;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.storage.StorageException;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a client hears when its command threw, or named no command we know. A {@link
 * CommandException} is the handler's own answer ({@code -NOTUNIQUE ...}); a storage failure says
 * why ({@code -ERR storage failure: disk full}) because nothing was stored and the client should
 * know; anything else is a bug, logged and answered {@code -ERR internal error}. None of them
 * closes the connection.
 */
final class FailureReplies {
  static final Reply INTERNAL_ERROR = Reply.error("ERR", "internal error");

  /** Longest message an error reply carries, whatever put client input into it. */
  static final int MAX_MESSAGE_CHARS = 512;

  private static final Logger log = LoggerFactory.getLogger(FailureReplies.class);

  private FailureReplies() {}

  /** {@code -ERR unknown command FOO}, quoting at most the start of a long verb. */
  static Reply unknownCommand(String verb) {
    return Reply.error("ERR", "unknown command " + CommandException.excerpt(verb));
  }

  static Reply of(String verb, Throwable failure) {
    Throwable e = failure;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof CommandException c) {
      return Reply.error(c.code(), bounded(c.getMessage() == null ? "" : c.getMessage()));
    }
    if (e instanceof StorageException) {
      // The store has logged it, once per interval per kind: a full disk fails every write.
      log.debug("command {} failed in storage", verb, e);
      return Reply.error("ERR", bounded("storage failure: " + e.getMessage()));
    }
    log.error("command {} failed", verb, e);
    return INTERNAL_ERROR;
  }

  /** The safety net behind {@link CommandException#excerpt}: no message is echoed at length. */
  static String bounded(String message) {
    if (message.length() <= MAX_MESSAGE_CHARS) {
      return message;
    }
    int cut = MAX_MESSAGE_CHARS;
    if (Character.isHighSurrogate(message.charAt(cut - 1))) {
      cut--;
    }
    return message.substring(0, cut) + "…";
  }
}
