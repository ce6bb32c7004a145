/**
 * One bill's timeline, oldest first: ingest, each Zoho call with Zoho's answer (the audit log),
 * every operator action, and delivery. Built from what getBillErrorDetail and the row already hold.
 */
import type { AuditCall, FailedBill } from "../../../lib/operations/failed-bills.ts";
import type { OperatorAction } from "../../../lib/operations/operator-actions.ts";

export interface TimelineEvent {
  readonly at: number;
  readonly kind: "ingest" | "zoho" | "operator" | "delivered" | "failed";
  readonly title: string;
  readonly detail: string | null;
  /** Zoho's answer or the action's details, shown folded. */
  readonly data: unknown;
  readonly ok: boolean;
}

function zohoAnswer(c: AuditCall): string {
  const r = (c.response ?? {}) as { message?: unknown; code?: unknown };
  const message = typeof r.message === "string" ? r.message : null;
  if (c.error && !message) return c.error;
  const status = c.status_code === null ? "no answer" : `HTTP ${c.status_code}`;
  return [status, c.zoho_code !== null ? `code ${c.zoho_code}` : null, message].filter(Boolean).join(" · ");
}

const ACTION_WORDS: Record<string, string> = {
  retry: "retried",
  "retry-stuck": "retried a stuck bill",
  resolve: "resolved",
  "dlq-redrive": "redrove from the DLQ",
};

export function buildTimeline(
  row: FailedBill,
  calls: readonly AuditCall[],
  actions: readonly OperatorAction[],
  completedAt: number | null,
): TimelineEvent[] {
  const events: TimelineEvent[] = [
    {
      at: row.created_at,
      kind: "ingest",
      title: "Received from NetSuite",
      detail: row.file_name,
      data: null,
      ok: true,
    },
    ...calls.map((c) => {
      const ok = c.error === null && (c.status_code ?? 0) < 400;
      return {
        at: c.created_at,
        kind: "zoho" as const,
        title: `Zoho ${c.operation}`,
        detail: zohoAnswer(c),
        data: c.response,
        ok,
      };
    }),
    ...actions.map((a) => ({
      at: a.created_at,
      kind: "operator" as const,
      title: `${a.actor} ${ACTION_WORDS[a.action] ?? a.action}`,
      detail: a.reason,
      data: a.details,
      ok: true,
    })),
  ];
  if (row.status === "success" && completedAt !== null)
    events.push({
      at: completedAt,
      kind: "delivered",
      title: "Delivered to Zoho Books",
      detail: null,
      data: null,
      ok: true,
    });
  if (row.status === "failed")
    events.push({
      at: row.updated_at,
      kind: "failed",
      title: "Failed",
      detail: row.error_message,
      data: null,
      ok: false,
    });
  return events.sort((a, b) => a.at - b.at);
}
