package dev.fabrik.server.manager;

/** Lets tests of other packages see what only this package may: how many FETCHes wait. */
public final class ManagerProbe {
  private ManagerProbe() {}

  public static int waitingFetches(Manager manager, String queue) {
    return manager.waitingFetches(queue);
  }
}
