/**
 * The floor of the ingest's CPU work for one bill, timed in the benchmark's own process: parse the
 * JSON body, decode the base64, SHA-256 the bytes. Whatever the service spends beyond this per bill
 * is its overhead (HTTP, validation, auth, logging, the AWS SDK and the database driver).
 */
import { createHash } from "node:crypto";
import { median, round } from "./stats.ts";

export function floorMsPerBill(bodies: readonly string[], rounds = 5): number {
  const work = (body: string): string => {
    const parsed = JSON.parse(body) as { base64Data: string };
    const bytes = Buffer.from(parsed.base64Data, "base64");
    return createHash("sha256").update(bytes).digest("hex");
  };
  for (const body of bodies.slice(0, 20)) work(body);
  const perRound: number[] = [];
  for (let r = 0; r < rounds; r += 1) {
    const t0 = process.cpuUsage();
    for (const body of bodies) work(body);
    const used = process.cpuUsage(t0);
    perRound.push((used.user + used.system) / 1000 / bodies.length);
  }
  return round(median(perRound), 3);
}
