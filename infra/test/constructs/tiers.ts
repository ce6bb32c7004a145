/** The fleet's tiers in the synthesized stack, for the compute and user-data tests. */
import type { Synthesized } from "../helpers.ts";

/** The boot script of a tier, by its construct id (`compute` is the ingest tier, `workers` the worker tier). */
export function tierUserData(s: Pick<Synthesized, "json">, id: string): string {
  const locals = s.json.locals as Record<string, unknown>;
  const key = Object.keys(locals).find((k) => k.startsWith(`${id}_user-data`));
  if (!key) throw new Error(`no user data local for ${id}`);
  return String(locals[key]);
}
