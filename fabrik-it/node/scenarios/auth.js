"use strict";
// Password handshake. FAKTORY_URL carries the password (tcp://:secret@host:port).
// Args: expect = "accepted" | "rejected".
const { faktory, run, check, url } = require("./lib");

run(async (argv) => {
  url();
  const expect = argv[0];
  check(expect === "accepted" || expect === "rejected", "usage: auth.js accepted|rejected");
  const client = new faktory.Client();
  try {
    await client.connect();
  } catch (error) {
    check(expect === "rejected", "a correct password was refused", { message: error.message });
    await client.close().catch(() => {});
    return { rejected: true, message: String(error.message) };
  }
  check(expect === "accepted", "a wrong password was accepted");
  const jid = await client.push({ jobtype: "Auth", args: [] });
  const info = await client.info();
  check(info.faktory.queues.default === 1, "pushed job not queued", info.faktory.queues);
  await client.close();
  return { rejected: false, jid };
});
