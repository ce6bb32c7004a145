/**
 * Assertions shared by the hostile-input tests (docs/hostile-inputs.md): the answer is the
 * documented JSON error, and nothing (object, row, message) was written.
 */
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import type { Test } from "tap";
import type { TestEnv } from "../../../lib/testing/harness.ts";
import { nothingWritten } from "../helper.ts";

type Assert = Pick<Test, "equal" | "match" | "same">;

/** status, the JSON content type, and the error body {statusCode, code, error, message, requestId}. */
export function rejected(t: Assert, res: LightMyRequestResponse, status: number, code: string, what: string): void {
  t.equal(res.statusCode, status, `${what}: ${status} (${res.body.slice(0, 200)})`);
  t.equal(res.headers["content-type"], "application/json; charset=utf-8", `${what}: JSON`);
  t.match(
    res.json(),
    { statusCode: status, code, error: String, message: String, requestId: String },
    `${what}: ${code}`,
  );
}

export const NOTHING = { objects: 0, rows: 0, messages: 0 } as const;

/** No object in the bucket, no row, no message on the queue (or exactly `expected`). */
export async function nothingLeft(
  t: Assert,
  app: FastifyInstance,
  env: TestEnv,
  what: string,
  expected: { objects: number; rows: number; messages: number } = NOTHING,
): Promise<void> {
  t.same(await nothingWritten(app, env), expected, `${what}: no object, row or message left behind`);
}
