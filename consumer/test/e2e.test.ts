/**
 * End to end on the local stack: bills POSTed to the ingest service (`node service/src/server.ts`)
 * travel through S3, Postgres and SQS to two worker processes and arrive in the Zoho Books
 * simulator exactly once, byte for byte.
 */
import { createHash, randomUUID } from "node:crypto";
import t from "tap";
import { startService } from "./e2e/service.ts";
import { ACME, pdfBytes, setupConsumerEnv, simAttachments, spawnWorker, waitFor } from "./helper.ts";

const e = await setupConsumerEnv(t, {
  env: { ZOHO_RATE_LIMIT_PER_MINUTE: "500" },
  sim: { limits: { perWindow: 1000 } },
});

t.test("bills POSTed to the service all arrive in Zoho exactly once with matching SHA-256", async (t) => {
  const service = await startService(t, e);
  spawnWorker(t, e);
  spawnWorker(t, e);

  const posted = await Promise.all(
    Array.from({ length: 12 }, async (_, i) => {
      const bytes = pdfBytes(4096 + i);
      const netsuiteBillId = `E2E-${randomUUID().slice(0, 8)}`;
      const details = { vendorId: ACME, billNumber: `B-${netsuiteBillId}`, date: "2026-11-20" };
      const res = await service.postBill(netsuiteBillId, details, bytes);
      return { ...res, sha256: createHash("sha256").update(bytes).digest("hex") };
    }),
  );
  t.ok(
    posted.every((p) => p.status === 202),
    "every bill accepted with 202",
  );
  for (const p of posted) {
    const url = new URL(String(p.body.statusUrl), service.base).toString();
    await waitFor(
      `bill ${p.body.transactionId} delivered`,
      async () => {
        const res = await fetch(url, { headers: { "x-api-key": service.apiKey } });
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
