package dev.fabrik.server.batch;

import tools.jackson.databind.node.ObjectNode;

/**
 * {@code BATCH NEW}'s argument: {@code {"description":"...","parent_bid":"b-...","success":{job},
 * "complete":{job}}}, every field optional but at least one callback.
 */
public record BatchRequest(
    String description, String parentBid, ObjectNode success, ObjectNode complete) {}
