/**
 * How a new bill and its PDF reach Zoho (ZOHO_CREATE_MODE):
 * - one-call: POST /bills as multipart, JSONString + attachment (Zoho's legacy SDKs document it);
 * - two-call: POST /bills as application/json (what bills.yml documents), then POST
 *   /bills/{id}/attachment;
 * - auto (default): one call; when Zoho's answer shows no document attached, the PDF is attached
 *   separately and the fleet remembers two-call in Redis, so later bills spend no call finding out.
 */
import type { Redis } from "ioredis";
import type { HandlerSettings } from "../types.ts";
import type { ZohoBill } from "../zoho/types.ts";

export type CreateMode = "one-call" | "two-call";

/** How long the fleet keeps two-call after auto saw Zoho ignore an attachment (then it tries one call again). */
export const REMEMBER_TWO_CALL_S = 7 * 24 * 3600;

const keyOf = (settings: HandlerSettings) => `zoho:${settings.ZOHO_ORGANIZATION_ID ?? "default"}:create-mode`;

export async function createModeFor(redis: Redis, settings: HandlerSettings): Promise<CreateMode> {
  const mode = settings.ZOHO_CREATE_MODE ?? "auto";
  if (mode !== "auto") return mode;
  return (await redis.get(keyOf(settings))) === "two-call" ? "two-call" : "one-call";
}

/** auto saw a one-call create come back without the document: the whole fleet switches to two-call. */
export async function rememberTwoCall(redis: Redis, settings: HandlerSettings): Promise<boolean> {
  if ((settings.ZOHO_CREATE_MODE ?? "auto") !== "auto") return false;
  await redis.set(keyOf(settings), "two-call", "EX", REMEMBER_TWO_CALL_S);
  return true;
}

/** Did Zoho keep the file sent with the bill? */
export const hasDocument = (bill: ZohoBill, fileName: string): boolean =>
  Boolean(bill.documents?.some((d) => d.file_name === fileName));
