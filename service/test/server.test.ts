import { spawn } from "node:child_process";
import { once } from "node:events";
import { request } from "node:http";
import pg from "pg";
import t from "tap";
import { freePort } from "../../lib/testing/free-port.ts";
import { setupTestEnv } from "../../lib/testing/harness.ts";
import { API_KEY, API_KEYS, billBody, pdf } from "./helper.ts";

t.test("SIGTERM drains an in-flight upload, then the process exits cleanly", async (t) => {
  const env = await setupTestEnv(t, { API_KEYS });
  const port = await freePort();
  const child = spawn(process.execPath, ["service/src/server.ts"], {
    env: { ...env.env, HOST: "127.0.0.1", PORT: String(port), LOG_LEVEL: "info", SHUTDOWN_GRACE_MS: "10000" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  child.stderr.on("data", (d) => {
    out += d;
  });
  t.teardown(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  const deadline = Date.now() + 15_000;
  while (!out.includes("Server listening") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  t.match(out, /Server listening/);

  const body = Buffer.from(JSON.stringify(billBody(pdf(64 * 1024), { netsuiteBillId: "drain-1" })));
  const req = request({
    host: "127.0.0.1",
    port,
    method: "POST",
    path: "/api/v1/bills",
    headers: { "content-type": "application/json", "content-length": body.length, "x-api-key": API_KEY },
  });
  const response = once(req, "response");
  req.write(body.subarray(0, 1000));
  await new Promise((r) => setTimeout(r, 200));
  child.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 300));
  req.end(body.subarray(1000));
  const [res] = (await response) as [import("node:http").IncomingMessage];
  let text = "";
  for await (const chunk of res) text += chunk;
  t.equal(res.statusCode, 202, `the request that was in flight completes: ${text}`);

  const exitStart = Date.now();
  const [code] = await once(child, "exit");
  t.ok(Date.now() - exitStart < 5000, `closed in ${Date.now() - exitStart} ms`);
  t.equal(code, 0, "exit code 0");
  t.match(out, /draining in-flight requests/);

  const db = new pg.Client({ connectionString: env.databaseUrl });
  await db.connect();
  const rows = await db.query("SELECT status FROM transactions WHERE netsuite_bill_id = 'drain-1'");
  await db.end();
  t.same(rows.rows, [{ status: "pending" }], "and its row is committed");
});
