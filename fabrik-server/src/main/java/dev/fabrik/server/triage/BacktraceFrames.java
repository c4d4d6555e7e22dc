package dev.fabrik.server.triage;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Picks the frames of a backtrace as clients send them and strips what changes between runs of the
 * same code (line and column numbers, addresses, build numbers in paths). Lines that are not frames
 * (Node's leading {@code Error: message}, Python's {@code Traceback ...} header and source lines,
 * Go's {@code goroutine 7 [running]:}) are skipped. What the clients send:
 *
 * <pre>
 * Java (fabrik-client)   com.acme.Mailer.send(Mailer.java:42)       or  at com.acme.Mailer.send(...)
 * Node (faktory-worker)  Error: boom  /  at send (/app/jobs/mail.js:12:5)
 * Ruby (faktory_worker)  /app/jobs/mail.rb:12:in `perform'         (3.4: in 'Mail#perform')
 * Python                 Traceback (most recent call last):  /  File "/app/mail.py", line 12, in run
 * Go (on a panic)        main.send(0xc000012345)  /  \t/app/main.go:23 +0x65
 * </pre>
 *
 * The top frames are the innermost ones: the first lines, except for Python, which prints the
 * innermost call last. A Go frame is its function line joined to its file line.
 */
final class BacktraceFrames {

  private static final Pattern AT = Pattern.compile("^at\\s.*");
  private static final Pattern PYTHON_FILE = Pattern.compile("^File \".*");
  private static final Pattern FILE_LINE =
      Pattern.compile(
          ".*[\\w$.-]\\.[A-Za-z]\\w*:\\d+.*|.*\\((?:Native Method|Unknown Source)\\).*");
  private static final Pattern GO_FILE_LINE = Pattern.compile("^\\S+\\.go:\\d+.*");

  private static final Pattern LINE_NUMBERS = Pattern.compile(":\\d+(?::\\d+)?|, line \\d+");
  private static final Pattern GO_OFFSET = Pattern.compile("\\s\\+0x[0-9a-fA-F]+");
  private static final Pattern HEX = Pattern.compile("0[xX][0-9a-fA-F]+");
  private static final Pattern DIGITS = Pattern.compile("\\d+");
  private static final Pattern SPACE = Pattern.compile("\\s+");

  private BacktraceFrames() {}

  /** The top {@code n} frames of {@code backtrace}, normalized. */
  static List<String> top(List<String> backtrace, String message, int n) {
    List<String> frames = new ArrayList<>();
    boolean python = false;
    String previous = null;
    for (String raw : backtrace) {
      String line = raw == null ? "" : raw.strip();
      boolean frame;
      if (PYTHON_FILE.matcher(line).matches()) {
        python = true;
        frame = true;
      } else if (GO_FILE_LINE.matcher(line).matches()) {
        frame = true;
        if (previous != null && !isFrame(previous) && !previous.isEmpty()) {
          line = previous + " " + line;
        }
      } else {
        frame = isFrame(line) && !repeatsMessage(line, message);
      }
      if (frame) {
        frames.add(normalize(line));
      }
      previous = line;
    }
    if (python) {
      return frames.subList(Math.max(0, frames.size() - n), frames.size());
    }
    return frames.subList(0, Math.min(n, frames.size()));
  }

  private static boolean isFrame(String line) {
    return AT.matcher(line).matches() || FILE_LINE.matcher(line).matches();
  }

  /** Node's first line is {@code <errtype>: <message>}, which may itself name a file:line. */
  private static boolean repeatsMessage(String line, String message) {
    return message != null && message.length() >= 4 && line.contains(message.strip());
  }

  static String normalize(String frame) {
    String s = GO_OFFSET.matcher(frame).replaceAll("");
    s = LINE_NUMBERS.matcher(s).replaceAll("");
    s = HEX.matcher(s).replaceAll("<hex>");
    s = DIGITS.matcher(s).replaceAll("<n>");
    return SPACE.matcher(s).replaceAll(" ").strip();
  }
}
