package dev.fabrik.cli.admin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import picocli.CommandLine;

/**
 * The yes/no question before a destructive command. It reads the answer from standard input, so
 * {@code echo y | fabrik flush} works; with no answer (end of input) it is a no. Scripts pass
 * {@code --yes} instead.
 */
final class Confirm {
  private Confirm() {}

  static boolean ask(CommandLine.Model.CommandSpec spec, String question) {
    var err = spec.commandLine().getErr();
    err.print(question + " [y/N] ");
    err.flush();
    String answer;
    try {
      answer =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    } catch (IOException e) {
      answer = null;
    }
    if (answer == null) {
      err.println();
      err.println("(no answer on standard input; pass --yes to skip the question)");
      return false;
    }
    String a = answer.strip().toLowerCase(Locale.ROOT);
    return a.equals("y") || a.equals("yes");
  }
}
