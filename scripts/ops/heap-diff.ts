/**
 * Compares two V8 heap snapshots (.heapsnapshot, as written by `--heapsnapshot-signal`) the way
 * Chrome DevTools' "Comparison" view does: objects grouped by constructor, with the growth in
 * count and self size from the first snapshot to the second. What grows with every request is
 * the leak. Needs no settings or connections: the bundled ops/heap-diff.mjs runs anywhere Node 24
 * does (copy it next to the files).
 *
 *   node scripts/ops/heap-diff.ts <older.heapsnapshot> <newer.heapsnapshot> [--top 15] [--json]
 *
 * JSON.parse holds each snapshot in memory: for snapshots above ~400 MB use DevTools instead.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { OperationError } from "../../lib/operations/operation-error.ts";
import { main } from "./cli.ts";

export interface HeapGroup {
  readonly name: string;
  count: number;
  selfSize: number;
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Objects by constructor name; V8's internal kinds as DevTools names them, e.g. "(string)". */
export function summarize(raw: Snapshot): Map<string, HeapGroup> {
  const fields = raw.snapshot.meta.node_fields;
  const types = raw.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const sizeAt = fields.indexOf("self_size");
  const groups = new Map<string, HeapGroup>();
  for (let i = 0; i < raw.nodes.length; i += width) {
    const type = types[raw.nodes[i + typeAt] ?? 0] ?? "unknown";
    const name =
      type === "object" || type === "closure" || type === "native"
        ? (raw.strings[raw.nodes[i + nameAt] ?? 0] ?? "(anonymous)")
        : `(${type})`;
    const g = groups.get(name) ?? { name, count: 0, selfSize: 0 };
    g.count++;
    g.selfSize += raw.nodes[i + sizeAt] ?? 0;
    groups.set(name, g);
  }
  return groups;
}

export interface HeapDelta {
  readonly name: string;
  readonly countBefore: number;
  readonly countAfter: number;
  readonly countDelta: number;
  readonly sizeDelta: number;
}

export function diff(before: Map<string, HeapGroup>, after: Map<string, HeapGroup>): HeapDelta[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names]
    .map((name) => {
      const a = before.get(name);
      const b = after.get(name);
      return {
        name,
        countBefore: a?.count ?? 0,
        countAfter: b?.count ?? 0,
        countDelta: (b?.count ?? 0) - (a?.count ?? 0),
        sizeDelta: (b?.selfSize ?? 0) - (a?.selfSize ?? 0),
      };
    })
    .sort((x, y) => y.sizeDelta - x.sizeDelta || y.countDelta - x.countDelta);
}

export async function loadSummary(path: string): Promise<Map<string, HeapGroup>> {
  return summarize(JSON.parse(await readFile(path, "utf8")) as Snapshot);
}

const kib = (n: number) => `${n >= 0 ? "+" : ""}${(n / 1024).toFixed(1)} KiB`;

export function formatDeltas(deltas: readonly HeapDelta[], top: number): string[] {
  const rows = deltas.slice(0, top);
  const w = Math.max(12, ...rows.map((d) => d.name.length));
  return [
    `${"constructor".padEnd(w)}  ${"before".padStart(9)}  ${"after".padStart(9)}  ${"+count".padStart(9)}  ${"+self size".padStart(13)}`,
    ...rows.map(
      (d) =>
        `${d.name.slice(0, w).padEnd(w)}  ${String(d.countBefore).padStart(9)}  ${String(d.countAfter).padStart(9)}  ${String(d.countDelta).padStart(9)}  ${kib(d.sizeDelta).padStart(13)}`,
    ),
  ];
}

const USAGE = "usage: heap-diff <older.heapsnapshot> <newer.heapsnapshot> [--top 15] [--json]";

export async function heapDiffCommand(argv: readonly string[], out = console.log): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { top: { type: "string", default: "15" }, json: { type: "boolean", default: false } },
  });
  const [older, newer] = positionals;
  if (!older || !newer) throw new OperationError("ERR_USAGE", USAGE);
  const deltas = diff(await loadSummary(older), await loadSummary(newer));
  if (values.json) out(JSON.stringify(deltas.slice(0, Number(values.top)), null, 2));
  else for (const line of formatDeltas(deltas, Number(values.top))) out(line);
  return 0;
}

if (import.meta.main) await main(heapDiffCommand);
