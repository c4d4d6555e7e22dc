"use strict";
// A Node producer that takes part in a trace the way docs/tracing.md says: it puts a W3C
// traceparent (and tracestate) it made by hand into the job's custom. Args: traceparent,
// tracestate. Queue "traced". Prints the jid.
const { faktory, run, check, url } = require("./lib");

run(async ([traceparent, tracestate]) => {
  url();
  check(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[0-3]$/.test(traceparent), "bad traceparent argument",
    { traceparent });
  const client = await faktory.connect();
  const jid = await client.push({
    jobtype: "Traced", queue: "traced", args: ["from node"],
    custom: { traceparent, tracestate },
  });
  await client.close();
  return { jid };
});
