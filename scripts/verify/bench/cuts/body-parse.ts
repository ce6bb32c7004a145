/**
 * The body of a 100 KiB bill from received bytes to decoded PDF, two ways: the plain path (the
 * bytes as one UTF-8 string, JSON.parse, then base64Data decoded: two ~137 KB strings, each in
 * V8's large-object space) and the route's path (plugins/json-body.ts parsePdfApart: base64Data
 * decoded straight from the bytes in slices, the rest parsed as usual). CPU per bill, median of 5
 * rounds; a share of the run's time goes to the garbage collector, which is counted.
 *   node scripts/verify/bench/cuts/body-parse.ts
 */

import { newRunId } from "../../../../loadtest/shared/payload.ts";
import { decodeStrictBase64 } from "../../../../service/src/ingest/base64.ts";
import { parsePdfApart } from "../../../../service/src/plugins/json-body.ts";
import { Bills } from "../bodies.ts";
import { median, round } from "../stats.ts";

const N = 2000;
const bills = new Bills(newRunId(), "v", 100 * 1024);
// A few distinct bodies, received as Buffers (what Fastify hands the parser).
const bodies = Array.from({ length: 16 }, () => Buffer.from(bills.nextBody()));
const MAX = 20 * 1024 * 1024;

function cpuMs(work: (raw: Buffer) => unknown): number {
  const rounds: number[] = [];
  for (let r = 0; r < 5; r += 1) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < N; i += 1) work(bodies[i % bodies.length]!);
    const used = process.cpuUsage(t0);
    rounds.push((used.user + used.system) / 1000 / N);
  }
  return round(median(rounds), 4);
}

const plain = (raw: Buffer) => {
  const body = JSON.parse(raw.toString("utf8")) as { base64Data: string };
  return decodeStrictBase64(body.base64Data, MAX);
};
const apart = (raw: Buffer) => {
  const out = parsePdfApart(raw);
  if (!out) throw new Error("the bench body did not take the fast path");
  return out.pdf;
};
if (!plain(bodies[0]!).equals(apart(bodies[0]!))) throw new Error("the two paths decode different bytes");
const plainMs = cpuMs(plain);
const apartMs = cpuMs(apart);
console.log(
  JSON.stringify(
    {
      bodyBytes: bodies[0]!.length,
      plainMs,
      apartMs,
      savedMs: round(plainMs - apartMs, 4),
      ratio: round(apartMs / plainMs, 2),
    },
    null,
    2,
  ),
);
