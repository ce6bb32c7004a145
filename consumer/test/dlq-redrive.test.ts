import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import t from "tap";
import { z } from "zod";
import { sql } from "../../lib/db.ts";
import { redriveDlq } from "../../lib/operations/dlq-redrive.ts";
import { sendBillMessage } from "../../lib/queue.ts";
import { findTransaction } from "../../lib/transactions.ts";
import { queueDepth, seedBill, setFaults, setupConsumerEnv, simAttachments, spawnWorker, waitFor } from "./helper.ts";

const e = await setupConsumerEnv(t, { env: { WORKER_MAX_RECEIVES: "2" } });
const SCRIPT = fileURLToPath(new URL("../../scripts/ops/dlq-redrive.ts", import.meta.url));

t.test("a bill that exhausted its retries is redriven from the DLQ to success", async (t) => {
  await setFaults(e, { error5xx: { status: 502 } });
  const worker = spawnWorker(t, e);
  const bill = await seedBill(e);
  const failed = await waitFor("row failed", async () => {
    const row = await findTransaction(e.db, bill.transactionId);
    return row?.status === "failed" && row;
  });
  t.match(failed.error_message, /gave up after 2 attempts: .*502/);
  await waitFor("message in the DLQ", async () => (await queueDepth(e, e.dlqUrl)) === 1, 10_000);
  await worker.stop();
  await setFaults(e, { clear: true });

  // A delivered bill's stray copy in the DLQ is dropped, not redriven.
  const delivered = await seedBill(e, { send: false });
  await e.db.query(
    sql.type(z.object({}))`UPDATE transactions SET status = 'success' WHERE id = ${delivered.transactionId}`,
  );
  await sendBillMessage(e.sqs, e.dlqUrl, {
    version: 1,
    transactionId: delivered.transactionId,
    netsuiteBillId: delivered.netsuiteBillId,
    bucket: e.incomingBucket,
    key: delivered.key,
    sha256: delivered.sha256,
  });

  const deps = { db: e.db, sqs: e.sqs, queueUrl: e.queueUrl, dlqUrl: e.dlqUrl };
  const dry = await redriveDlq(deps, { execute: false });
  t.same(dry.map((i) => i.action).sort(), ["drop-delivered", "redrive"]);
  t.match(dry.find((i) => i.action === "redrive")?.failureReason, /gave up after 2 attempts/);
  t.equal((await findTransaction(e.db, bill.transactionId))?.status, "failed", "dry run changes nothing");
  t.equal(await queueDepth(e, e.dlqUrl), 2);

  const { stdout } = await promisify(execFile)(process.execPath, [SCRIPT, "--execute", "--reason", "test redrive"], {
    env: e.env as NodeJS.ProcessEnv,
  });
  t.match(stdout, /2 DLQ messages: 1 to redrive, 1 already delivered/);
  const reset = await findTransaction(e.db, bill.transactionId);
  t.same([reset?.status, reset?.retry_count, reset?.error_message], ["pending", 0, null], "fresh retry budget");
  t.equal(await queueDepth(e, e.dlqUrl), 0, "DLQ emptied");

  const rescuer = spawnWorker(t, e);
  await waitFor(
    "redriven bill delivered",
    async () => (await findTransaction(e.db, bill.transactionId))?.status === "success",
  );
  t.same(simAttachments(e).filter((a) => a.sha256 === bill.sha256).length, 1, "delivered exactly once");
  await rescuer.stop();
});
