package dev.fabrik.cli;

/** Entry point of the {@code fabrik} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    throw new UnsupportedOperationException("not yet");
  }
}
