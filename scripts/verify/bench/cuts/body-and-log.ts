/**
 * Per-request costs that do not touch the network, on a real 100 KiB bill (a ~137 KB JSON body):
 * JSON.parse (the floor's first step), the route's body schema compiled the way Fastify compiles
 * it (Ajv 8, the service's options), and the request-log line through lib/logger.ts (pino with the
 * redaction list) into /dev/null. CPU per request, median of 5 rounds.
 *   node scripts/verify/bench/cuts/body-and-log.ts
 */
import { openSync } from "node:fs";
import { Ajv } from "ajv";
import pino from "pino";
import { createLogger } from "../../../../lib/logger.ts";
import { newRunId } from "../../../../loadtest/shared/payload.ts";
import { BillBody } from "../../../../service/src/schemas/bills.ts";
import { Bills } from "../bodies.ts";
import { median, round } from "../stats.ts";

const N = 2000;
const body = new Bills(newRunId(), "v", 100 * 1024).nextBody();
const parsed = JSON.parse(body) as unknown;
const ajv = new Ajv({ removeAdditional: false, coerceTypes: false, allErrors: false, useDefaults: true });
const validate = ajv.compile(BillBody as object);
if (!validate(parsed)) throw new Error(`the bench body does not validate: ${ajv.errorsText(validate.errors)}`);
const log = createLogger(
  { LOG_LEVEL: "info" } as never,
  "bench",
  pino.destination({ fd: openSync("/dev/null", "w"), sync: false }),
);
const child = log.child({ reqId: "3f1c2a9e-8d1b-4c55-9e1e-0c8f5b2d7a61" });

function cpuMs(work: () => void): number {
  const rounds: number[] = [];
  for (let r = 0; r < 5; r += 1) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < N; i += 1) work();
    const used = process.cpuUsage(t0);
    rounds.push((used.user + used.system) / 1000 / N);
  }
  return round(median(rounds), 4);
}

console.log(
  JSON.stringify(
    {
      bodyBytes: body.length,
      jsonParseMs: cpuMs(() => JSON.parse(body)),
      schemaValidationMs: cpuMs(() => validate(parsed)),
      requestLogLineMs: cpuMs(() =>
        child.info(
          { apiKeyName: "netsuite", method: "POST", url: "/api/v1/bills", statusCode: 202, responseTime: 41.2 },
          "request completed",
        ),
      ),
    },
    null,
    2,
  ),
);
