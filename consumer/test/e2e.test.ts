/**
 * End to end on the local stack: bills POSTed to the ingest service (`node service/src/server.ts`)
 * travel through S3, Postgres and SQS to two worker processes and arrive in the Zoho Books
 * simulator exactly once, byte for byte.
 */
import { spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import t, { type Test } from "tap";
import { ACME, pdfBytes, setupConsumerEnv, simAttachments, spawnWorker, waitFor } from "./helper.ts";

const SERVER = fileURLToPath(new URL("../../service/src/server.ts", import.meta.url));
const API_KEY = `test-key-${randomUUID()}`;
const PORT = 41000 + Math.floor(Math.random() * 2000);

const e = await setupConsumerEnv(t, {
  env: { ZOHO_RATE_LIMIT_PER_MINUTE: "500" },
  sim: { limits: { perWindow: 1000 } },
});

/** Starts `node service/src/server.ts` on the test environment; resolves with its base URL once live. */
async function startService(t: Test): Promise<string> {
  const service = spawn(process.execPath, [SERVER], {
    env: {
      ...e.env,
      PORT: String(PORT),
      HOST: "127.0.0.1",
      API_KEYS: JSON.stringify([{ name: "e2e", sha256: createHash("sha256").update(API_KEY).digest("hex") }]),
    } as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let serviceLog = "";
  service.stdout.on("data", (d) => {
    serviceLog += String(d);
  });
  service.stderr.on("data", (d) => {
    serviceLog += String(d);
  });
  t.teardown(() => {
    service.kill("SIGKILL");
  });
  const base = `http://127.0.0.1:${PORT}`;
  await waitFor(
    `service on ${base}`,
    async () => (await fetch(`${base}/health/live`).catch(() => null))?.ok,
    20_000,
    200,
  ).catch((err) => {
    t.comment(serviceLog);
    throw err;
  });
  return base;
}

/** POSTs one bill as NetSuite does; returns the answer and the PDF's SHA-256. */
async function postBill(base: string, size: number) {
  const bytes = pdfBytes(size);
  const netsuiteBillId = `E2E-${randomUUID().slice(0, 8)}`;
  const res = await fetch(`${base}/api/v1/bills`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": API_KEY },
    body: JSON.stringify({
      netsuiteBillId,
      fileName: `${netsuiteBillId}.pdf`,
      mimeType: "application/pdf",
      base64Data: bytes.toString("base64"),
      billDetails: { vendorId: ACME, billNumber: `B-${netsuiteBillId}`, date: "2026-11-20" },
    }),
  });
  const body = (await res.json()) as { transactionId: string; statusUrl: string };
  return { status: res.status, body, sha256: createHash("sha256").update(bytes).digest("hex") };
}

t.test("bills POSTed to the service all arrive in Zoho exactly once with matching SHA-256", async (t) => {
  const base = await startService(t);
  spawnWorker(t, e);
  spawnWorker(t, e);

  const posted = await Promise.all(Array.from({ length: 12 }, (_, i) => postBill(base, 4096 + i)));
  t.ok(
    posted.every((p) => p.status === 202),
    "every bill accepted with 202",
  );
  for (const p of posted) {
    const url = new URL(p.body.statusUrl, base).toString();
    await waitFor(
      `bill ${p.body.transactionId} delivered`,
      async () => {
        const res = await fetch(url, { headers: { "x-api-key": API_KEY } });
        return ((await res.json()) as { status: string }).status === "success";
      },
      40_000,
      250,
    );
  }
  const attachments = simAttachments(e);
  for (const p of posted) {
    t.equal(attachments.filter((a) => a.sha256 === p.sha256).length, 1, `${p.body.transactionId} once, same bytes`);
  }
});
