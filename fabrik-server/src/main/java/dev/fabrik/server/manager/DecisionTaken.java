package dev.fabrik.server.manager;

import dev.fabrik.server.storage.FailureDecision;
import dev.fabrik.server.storage.Reservation;

/**
 * A {@link FailureDecision} that remembers what the store applied, for the outcome listeners (the
 * store may call it again when it retries a transaction: the last call wins).
 */
final class DecisionTaken implements FailureDecision {
  private final FailureDecision decision;
  volatile FailureDecision.Outcome outcome;

  DecisionTaken(FailureDecision decision) {
    this.decision = decision;
  }

  @Override
  public Outcome decide(Reservation reservation) {
    Outcome o = decision.decide(reservation);
    outcome = o;
    return o;
  }
}
