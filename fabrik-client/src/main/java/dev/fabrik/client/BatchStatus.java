package dev.fabrik.client;

import java.time.Instant;

/**
 * A batch as {@code BATCH STATUS <bid>} reports it:
 *
 * <pre>{"bid":"b-..","parent_bid":"b-..","description":"..","created_at":"..","total":3,
 *  "pending":0,"failed":1,"complete_st":"1","success_st":""}</pre>
 *
 * The callback states are the wire values: {@code ""} not fired, {@code "1"} callback pushed,
 * {@code "2"} callback done.
 *
 * @param parentBid the parent batch, or null
 * @param description the description given at creation, or null
 */
public record BatchStatus(
    String bid,
    String parentBid,
    String description,
    Instant createdAt,
    long total,
    long pending,
    long failed,
    String completeState,
    String successState) {

  /** Every job ran once and the complete callback was pushed (or, with none given, was due). */
  public boolean complete() {
    return !completeState.isEmpty();
  }

  /** Every job succeeded and the success callback was pushed (or, with none given, was due). */
  public boolean succeeded() {
    return !successState.isEmpty();
  }
}
