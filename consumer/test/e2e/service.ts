/**
 * The ingest service as a child process on a consumer test environment (`node service/src/server.ts`),
 * for end-to-end tests that POST bills the way NetSuite does. Tests only.
 */
import { spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { Test } from "tap";
import { freePort } from "../../../lib/testing/free-port.ts";
import { type ConsumerTestEnv, pdfBytes, waitFor } from "../helper.ts";

const SERVER = fileURLToPath(new URL("../../../service/src/server.ts", import.meta.url));

export interface RunningService {
  readonly base: string;
  readonly apiKey: string;
  /** POSTs one bill with these details (and this PDF, else a small one); answers the status and body. */
  postBill(
    netsuiteBillId: string,
    billDetails: Record<string, unknown>,
    pdf?: Buffer,
  ): Promise<{ status: number; body: { transactionId?: string } & Record<string, unknown> }>;
}

export async function startService(t: Test, e: ConsumerTestEnv): Promise<RunningService> {
  const apiKey = `test-key-${randomUUID()}`;
  // Not a random port in 43000-45000: that is inside the ephemeral range and was never checked free.
  const port = await freePort();
  const service = spawn(process.execPath, [SERVER], {
    env: {
      ...e.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      API_KEYS: JSON.stringify([{ name: "e2e", sha256: createHash("sha256").update(apiKey).digest("hex") }]),
    } as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  service.stdout.on("data", (d) => {
    log += String(d);
  });
  service.stderr.on("data", (d) => {
    log += String(d);
  });
  t.teardown(() => {
    service.kill("SIGKILL");
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(
    `service on ${base}`,
    async () => (await fetch(`${base}/health/live`).catch(() => null))?.ok,
    20_000,
    200,
  ).catch((err) => {
    t.comment(log.slice(-4000));
    throw err;
  });
  return {
    base,
    apiKey,
    async postBill(netsuiteBillId, billDetails, pdf = pdfBytes(3000)) {
      const res = await fetch(`${base}/api/v1/bills`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": apiKey },
        body: JSON.stringify({
          netsuiteBillId,
          fileName: `${netsuiteBillId}.pdf`,
          mimeType: "application/pdf",
          base64Data: pdf.toString("base64"),
          billDetails,
        }),
      });
      return { status: res.status, body: (await res.json()) as { transactionId?: string } };
    },
  };
}
