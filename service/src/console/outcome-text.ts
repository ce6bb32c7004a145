/** One sentence for the page after a retry or resolve, from the operation's result. */
import type { ResolveResult } from "../../../lib/operations/resolve.ts";
import type { RetryResult } from "../../../lib/operations/retry.ts";

const bills = (n: number) => `${n} bill${n === 1 ? "" : "s"}`;
const skippedText = (skipped: readonly { id: string; reason: string }[]) =>
  skipped.length === 0
    ? ""
    : ` Skipped ${bills(skipped.length)}: ${skipped.map((s) => `${s.id} (${s.reason})`).join("; ")}.`;

export function describeRetry(r: RetryResult): string {
  const sent = r.requeued.length;
  const late = r.sendFailed.length;
  const head = sent > 0 ? `Retried ${bills(sent)}: back on the queue for delivery.` : "Nothing was retried.";
  const lateText = late > 0 ? ` The sweeper will enqueue ${bills(late)} within minutes (the send failed).` : "";
  return `${head}${lateText}${skippedText(r.skipped)}`;
}

export function describeResolve(r: ResolveResult): string {
  const n = r.resolved.length;
  return `${n > 0 ? `Resolved ${bills(n)}.` : "Nothing was resolved."}${skippedText(r.skipped)}`;
}
