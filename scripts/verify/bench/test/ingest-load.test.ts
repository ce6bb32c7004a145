/**
 * fixedRateLoad against a local HTTP server: requests leave evenly spaced at the rate asked (not in
 * bursts), each body is a different one from the source, and statuses and latencies are counted.
 */
import { once } from "node:events";
import { createServer } from "node:http";
import t from "tap";
import { fixedRateLoad } from "../ingest-load.ts";

t.test("requests leave evenly spaced, one body each, statuses counted", async (t) => {
  const arrivals: number[] = [];
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    arrivals.push(performance.now());
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      bodies.push(body);
      res.statusCode = bodies.length % 5 === 0 ? 409 : 202;
      res.end("{}");
    });
  }).listen(0, "127.0.0.1");
  await once(server, "listening");
  t.teardown(() => server.close());
  const { port } = server.address() as { port: number };
  let n = 0;
  const result = await fixedRateLoad({
    url: `http://127.0.0.1:${port}`,
    apiKey: "k",
    bills: { nextBody: () => JSON.stringify({ n: ++n }) },
    ratePerSecond: 50,
    durationS: 0.6,
  });
  t.equal(result.requests, 30, "50/s for 0.6 s");
  t.equal(result.accepted, 24);
  t.same(result.otherStatus, { 409: 6 });
  t.equal(new Set(bodies).size, 30, "every request its own body");
  // Sends are never early (a busy machine only delays them), so a burst shows as a short span.
  const first = arrivals[0] as number;
  const span = (arrivals.at(-1) as number) - first;
  t.ok(span >= 0.75 * 29 * 20, `spread over ${Math.round(span)} ms (evenly: 580 ms), not sent at once`);
  const early = arrivals.filter((a) => a - first < 145).length;
  t.ok(early <= 15, `${early} of 30 in the first quarter (evenly: 8)`);
  t.ok(result.latencyMs.p50 > 0 && result.latencyMs.p99 < 1000, "latencies measured per request");
});
