package dev.fabrik.client.worker;

import tools.jackson.databind.JsonNode;

/**
 * Performs one job type with its {@code args} array as a JSON tree, exactly as FETCH delivered it
 * (big integers and decimals intact). Returning normally ACKs the job; throwing FAILs it.
 */
@FunctionalInterface
public interface JsonJobHandler {
  void perform(JobContext ctx, JsonNode args) throws Exception;
}
