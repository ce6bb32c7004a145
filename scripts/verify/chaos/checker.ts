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

/** What the check concluded about one accepted bill; `detail` explains every outcome but a clean one. */
type Verdict =
  | { readonly outcome: "deliveredExactlyOnce" | "failed" }
  | { readonly outcome: "duplicated" | "lost" | "corrupt" | "inconsistent"; readonly detail: string };

/** Judges one bill that was in Zoho exactly once: its document and its row. */
function judgeDelivered(b: SentBill, row: Row | undefined, z: SimBill): Verdict {
  const docs = z.documents ?? [];
  if (docs.length > 1) return { outcome: "duplicated", detail: `Zoho bill ${z.bill_id} has ${docs.length} documents` };
  if (docs.length === 0) return { outcome: "lost", detail: `Zoho bill ${z.bill_id} has no document` };
  if (docs[0]?.sha256 !== b.sha256) {
    return { outcome: "corrupt", detail: `Zoho document SHA-256 ${docs[0]?.sha256} differs from the sent PDF` };
  }
  if (row?.status !== "success" || row.zoho_bill_id !== z.bill_id) {
    return {
      outcome: "inconsistent",
      detail: `in Zoho once (${z.bill_id}) but the row says ${row?.status} / zoho_bill_id ${row?.zoho_bill_id} (retries ${row?.retry_count}, last error: ${row?.error_message?.slice(0, 120)})`,
    };
  }
  return { outcome: "deliveredExactlyOnce" };
}

/** Judges one accepted bill from its row and the Zoho bills that carry its number. */
function judge(b: SentBill, row: Row | undefined, zoho: readonly SimBill[]): Verdict {
  if (row && row.content_sha256 !== b.sha256) {
    return { outcome: "corrupt", detail: "stored SHA-256 differs from the sent PDF" };
  }
  if (zoho.length > 1) {
    return { outcome: "duplicated", detail: `${zoho.length} Zoho bills: ${zoho.map((z) => z.bill_id).join(", ")}` };
  }
  const z = zoho[0];
  if (z) return judgeDelivered(b, row, z);
  if (row?.status === "failed") return { outcome: "failed" };
  return {
    outcome: "lost",
    detail: row ? `not in Zoho; row is ${row.status} (retries ${row.retry_count})` : "no transaction row",
  };
}

async function simBills(simUrl: string): Promise<SimBill[]> {
  return ((await (await fetch(`${simUrl}/__sim/bills`)).json()) as { bills: SimBill[] }).bills;
}

async function rowsByBillId(databaseUrl: string): Promise<Map<string, Row>> {
  return withDb(databaseUrl, async (c) => {
    const r = await c.query<Row>(
      "SELECT netsuite_bill_id, id, status, error_message, zoho_bill_id, content_sha256, retry_count FROM transactions",
    );
    return new Map(r.rows.map((row) => [row.netsuite_bill_id, row]));
  });
}

type Tally = Pick<
  CheckResult,
  "deliveredExactlyOnce" | "duplicated" | "lost" | "failed" | "failedReasons" | "corrupt" | "inconsistent" | "findings"
>;

/** Judges every accepted bill and counts the outcomes; findings name each bill that is not clean. */
function tally(accepted: readonly SentBill[], rows: Map<string, Row>, bills: readonly SimBill[]): Tally {
  const byNumber = new Map<string, SimBill[]>();
  for (const b of bills) byNumber.set(b.bill_number, [...(byNumber.get(b.bill_number) ?? []), b]);
  const counts = { deliveredExactlyOnce: 0, duplicated: 0, lost: 0, failed: 0, corrupt: 0, inconsistent: 0 };
  const failedReasons: Record<string, number> = {};
  const findings: Finding[] = [];
  for (const b of accepted) {
    const row = rows.get(b.netsuiteBillId);
    const verdict = judge(b, row, byNumber.get(b.netsuiteBillId) ?? []);
    counts[verdict.outcome]++;
    if (verdict.outcome === "failed") {
      const key = reasonKey(row?.error_message ?? null);
      failedReasons[key] = (failedReasons[key] ?? 0) + 1;
    } else if ("detail" in verdict) {
      findings.push({
        netsuiteBillId: b.netsuiteBillId,
        transactionId: row?.id ?? b.transactionId,
        status: row?.status ?? null,
        detail: verdict.detail,
      });
    }
  }
  return { ...counts, failedReasons, findings };
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
  const bills = await simBills(input.simUrl);
  const rows = await rowsByBillId(input.databaseUrl);
  const t = tally(accepted, rows, bills);
  const acceptedIds = new Set(accepted.map((b) => b.netsuiteBillId));
  const unexpectedZohoBills = bills.filter(
    (z) => z.bill_number.startsWith(input.runPrefix) && !acceptedIds.has(z.bill_number),
  ).length;
  const main = await queueDepth(input.sqs, input.queueUrl);
  const dlq = await queueDepth(input.sqs, input.dlqUrl);
  return {
    accepted: accepted.length,
    deliveredExactlyOnce: t.deliveredExactlyOnce,
    duplicated: t.duplicated,
    lost: t.lost,
    failed: t.failed,
    failedReasons: t.failedReasons,
    corrupt: t.corrupt,
    inconsistent: t.inconsistent,
    unexpectedZohoBills,
    queue: { visible: main.visible, inFlight: main.inFlight, dlq: dlq.visible + dlq.inFlight },
    findings: t.findings,
  };
}
