/**
 * The leak of the memory-leak drill (runbooks/memory-leak.md), preloaded with
 * `node --import ./scripts/verify/leak-drill/leak.ts`: every HTTP request the process serves leaves one
 * LeakDrillRequestRecord (with a ~2 KiB string) in a module-level array that nothing clears,
 * the classic "cache without eviction" bug. Kept with the drill, outside the product code.
 */
import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";

class LeakDrillRequestRecord {
  readonly at = Date.now();
  readonly url: string;
  readonly note: string;
  constructor(url: string, n: number) {
    this.url = url;
    this.note = `request ${n} `.padEnd(2048, "x");
  }
}

const retained: LeakDrillRequestRecord[] = [];
subscribe("http.server.request.start", (message) => {
  const { request } = message as { request: IncomingMessage };
  retained.push(new LeakDrillRequestRecord(request.url ?? "", retained.length));
});
