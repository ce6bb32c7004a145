/**
 * Final check of every accepted bill against the Zoho simulator (/__sim/bills) and the database:
 * - delivered exactly once: one Zoho bill with this bill number, one document, whose SHA-256 is the
 *   PDF that was sent, and a transaction row in `success` pointing at that Zoho bill;
 * - duplicated: more than one Zoho bill, or more than one document on it;
 * - failed: no Zoho bill and the row is `failed` with a reason (visible to operators);
 * - lost: anything else (no Zoho bill and the row is not failed, or no row at all);
 * - corrupt: one Zoho bill whose document hash is not the sent PDF's;
 * - inconsistent: in Zoho once, but the row does not say success with that bill id (e.g. a row left
 *   in `processing` whose message SQS dead-lettered: delivered, but nobody knows).
 * Also waits for the drain: every accepted bill's row settled (success or failed).
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import pg from "pg";
import { queueDepth } from "../../../lib/queue.ts";
import type { SentBill } from "./sender.ts";

interface SimDocument {
  readonly document_id: string;
  readonly file_name: string;
  readonly sha256: string;
}
interface SimBill {
  readonly bill_id: string;
  readonly bill_number: string;
  readonly documents?: readonly SimDocument[];
}
interface Row {
  readonly netsuite_bill_id: string;
  readonly id: string;
  readonly status: string;
  readonly error_message: string | null;
  readonly zoho_bill_id: string | null;
  readonly content_sha256: string;
  readonly retry_count: number;
}

export interface Finding {
  readonly netsuiteBillId: string;
  readonly transactionId: string | null;
  readonly status: string | null;
  readonly detail: string;
}

export interface CheckResult {
  readonly accepted: number;
  readonly deliveredExactlyOnce: number;
  readonly duplicated: number;
  readonly lost: number;
  readonly failed: number;
  readonly failedReasons: Record<string, number>;
  readonly corrupt: number;
  readonly inconsistent: number;
  /** Zoho bills of this run whose number no accepted bill has (a bill the sender never saw accepted). */
  readonly unexpectedZohoBills: number;
  readonly queue: { readonly visible: number; readonly inFlight: number; readonly dlq: number };
  readonly findings: readonly Finding[];
}

async function withDb<T>(databaseUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3_000 });
  c.on("error", () => {});
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

/**
 * Polls until every accepted bill's row is success or failed, or the timeout passes.
 * Returns when that happened (ms epoch) or null on timeout.
 */
export async function waitForDrain(
  databaseUrl: string,
  ids: readonly string[],
  timeoutMs: number,
  say: (s: string) => void,
): Promise<number | null> {
  const deadline = Date.now() + timeoutMs;
  let lastSay = 0;
  for (;;) {
    try {
      const settled = await withDb(databaseUrl, async (c) => {
        const r = await c.query<{ n: string }>(
          "SELECT count(*) AS n FROM transactions WHERE netsuite_bill_id = ANY($1) AND status IN ('success', 'failed')",
          [ids],
        );
        return Number(r.rows[0]?.n ?? 0);
      });
      if (settled >= ids.length) return Date.now();
      if (Date.now() - lastSay > 10_000) {
        say(`draining: ${settled}/${ids.length} settled`);
        lastSay = Date.now();
      }
    } catch {
      // the database may be restarting
    }
    if (Date.now() > deadline) return null;
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** Groups failure reasons: ids, numbers and quoted values replaced so similar reasons count together. */
export function reasonKey(message: string | null): string {
  return (message ?? "(no reason recorded)")
    .replace(/[0-9a-f]{8}-[0-9a-f-]{27,}/gi, "<id>")
    .replace(/\d+/g, "N")
    .slice(0, 160);
}

export async function checkRun(input: {
  readonly sent: readonly SentBill[];
  readonly simUrl: string;
  readonly databaseUrl: string;
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly dlqUrl: string;
  readonly runPrefix: string;
}): Promise<CheckResult> {
  const accepted = input.sent.filter((b) => b.outcome === "accepted");
  const sim = (await (await fetch(`${input.simUrl}/__sim/bills`)).json()) as { bills: SimBill[] };
  const byNumber = new Map<string, SimBill[]>();
  for (const b of sim.bills) byNumber.set(b.bill_number, [...(byNumber.get(b.bill_number) ?? []), b]);
  const rows = await withDb(input.databaseUrl, async (c) => {
    const r = await c.query<Row>(
      "SELECT netsuite_bill_id, id, status, error_message, zoho_bill_id, content_sha256, retry_count FROM transactions",
    );
    return new Map(r.rows.map((row) => [row.netsuite_bill_id, row]));
  });

  let deliveredExactlyOnce = 0;
  let duplicated = 0;
  let lost = 0;
  let failed = 0;
  let corrupt = 0;
  let inconsistent = 0;
  const failedReasons: Record<string, number> = {};
  const findings: Finding[] = [];
  const note = (b: SentBill, row: Row | undefined, detail: string) =>
    findings.push({
      netsuiteBillId: b.netsuiteBillId,
      transactionId: row?.id ?? b.transactionId,
      status: row?.status ?? null,
      detail,
    });

  for (const b of accepted) {
    const row = rows.get(b.netsuiteBillId);
    const zoho = byNumber.get(b.netsuiteBillId) ?? [];
    if (row && row.content_sha256 !== b.sha256) {
      corrupt++;
      note(b, row, "stored SHA-256 differs from the sent PDF");
      continue;
    }
    if (zoho.length > 1) {
      duplicated++;
      note(b, row, `${zoho.length} Zoho bills: ${zoho.map((z) => z.bill_id).join(", ")}`);
      continue;
    }
    const z = zoho[0];
    if (z) {
      const docs = z.documents ?? [];
      if (docs.length > 1) {
        duplicated++;
        note(b, row, `Zoho bill ${z.bill_id} has ${docs.length} documents`);
      } else if (docs.length === 0) {
        lost++;
        note(b, row, `Zoho bill ${z.bill_id} has no document`);
      } else if (docs[0]?.sha256 !== b.sha256) {
        corrupt++;
        note(b, row, `Zoho document SHA-256 ${docs[0]?.sha256} differs from the sent PDF`);
      } else if (row?.status !== "success" || row.zoho_bill_id !== z.bill_id) {
        inconsistent++;
        note(
          b,
          row,
          `in Zoho once (${z.bill_id}) but the row says ${row?.status} / zoho_bill_id ${row?.zoho_bill_id} (retries ${row?.retry_count}, last error: ${row?.error_message?.slice(0, 120)})`,
        );
      } else {
        deliveredExactlyOnce++;
      }
      continue;
    }
    if (row?.status === "failed") {
      failed++;
      const key = reasonKey(row.error_message);
      failedReasons[key] = (failedReasons[key] ?? 0) + 1;
      continue;
    }
    lost++;
    note(b, row, row ? `not in Zoho; row is ${row.status} (retries ${row.retry_count})` : "no transaction row");
  }
  const acceptedIds = new Set(accepted.map((b) => b.netsuiteBillId));
  const unexpectedZohoBills = sim.bills.filter(
    (z) => z.bill_number.startsWith(input.runPrefix) && !acceptedIds.has(z.bill_number),
  ).length;
  const main = await queueDepth(input.sqs, input.queueUrl);
  const dlq = await queueDepth(input.sqs, input.dlqUrl);
  return {
    accepted: accepted.length,
    deliveredExactlyOnce,
    duplicated,
    lost,
    failed,
    failedReasons,
    corrupt,
    inconsistent,
    unexpectedZohoBills,
    queue: { visible: main.visible, inFlight: main.inFlight, dlq: dlq.visible + dlq.inFlight },
    findings,
  };
}
