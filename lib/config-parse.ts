/**
 * How lib/config.ts reads the environment: the value types its tables use, and parseEnv, which
 * checks an environment against one table and names every offending variable (never its value).
 */
import { z } from "zod";

export const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"], { error: "expected true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");
export const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
export const url = (protocols: RegExp) => z.url({ protocol: protocols, error: "expected a URL" });

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  readonly variables: readonly string[];
  constructor(problems: readonly { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p.variable}: ${p.message}`).join("\n")}`);
    this.name = "ConfigError";
    this.variables = problems.map((p) => p.variable);
  }
}

/** Parses env against a schema; empty strings count as unset. Never echoes values (they may be secrets). */
export function parseEnv<S extends z.ZodObject>(schema: S, env: Env): Readonly<z.infer<S>> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => ({
        variable: String(i.path[0] ?? "(root)"),
        message: i.code === "invalid_type" && i.input === undefined ? "is required but not set" : i.message,
      })),
    );
  }
  return Object.freeze(result.data);
}
