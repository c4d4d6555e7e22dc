"use strict";
// Plumbing shared by every scenario script. The Java side (NodeScript) reads stdout as JSON lines:
// each line is one object with an "event" key; the last line of a passing run is
// {"event":"ok",...results}. Any failure prints {"event":"error","message":...} and exits 1.
// Every script has a hard deadline (SCENARIO_TIMEOUT_MS, default 60 s) after which it exits 1,
// so a hung server can never hang the build.

const faktory = require("faktory-worker");

let finished = false;

function emit(event, fields = {}) {
  process.stdout.write(JSON.stringify({ event, ...fields }) + "\n");
}

function url() {
  const value = process.env.FAKTORY_URL;
  if (!value) {
    throw new Error("FAKTORY_URL is not set");
  }
  return value;
}

/** Fails the scenario (exit 1) unless the condition holds. */
function check(condition, message, details = {}) {
  if (!condition) {
    const error = new Error(message);
    error.details = details;
    throw error;
  }
}

/** Polls an async predicate every intervalMs until it returns a truthy value. */
async function waitFor(what, predicate, timeoutMs = 20000, intervalMs = 50) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function fail(error) {
  finished = true;
  emit("error", { message: String(error && error.message), details: error && error.details });
  process.exit(1);
}

/**
 * Runs main() under the hard deadline. main resolves to the result object, printed as the "ok"
 * line, after which the process exits 0. A main that resolves to undefined (the worker-lifecycle
 * scenario) must call finish() itself and then let the process end on its own.
 */
function run(main) {
  const timeoutMs = Number(process.env.SCENARIO_TIMEOUT_MS || 60000);
  const timer = setTimeout(() => {
    finished = true;
    emit("error", { message: `scenario timed out after ${timeoutMs} ms` });
    process.exit(1);
  }, timeoutMs);
  timer.unref(); // a scenario that is meant to exit by itself must not be held open by the deadline
  process.on("unhandledRejection", fail);
  process.on("exit", (code) => {
    if (!finished && code === 0) {
      // The event loop drained while main was still awaiting something that can never happen.
      emit("error", { message: "process ended before the scenario finished" });
      process.exitCode = 1;
    }
  });
  main(process.argv.slice(2)).then((result) => {
    if (result !== undefined) {
      finish(result);
      process.exit(0);
    }
  }, fail);
}

/** Marks the scenario as passed and prints its result line; the process may then end. */
function finish(result) {
  finished = true;
  emit("ok", result);
}

/** INFO through the client, as a user would read it. */
async function info(client) {
  return client.info();
}

function queueSize(serverInfo, queue) {
  return serverInfo.faktory.queues[queue] || 0;
}

function setSize(serverInfo, task) {
  return serverInfo.faktory.tasks[task].size;
}

module.exports = { faktory, emit, url, check, waitFor, run, finish, info, queueSize, setSize };
