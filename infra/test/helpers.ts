/**
 * Test helpers: synthesize the real stacks once per test file and read the Terraform JSON by
 * resource type. Keys are Terraform's snake_case names, as in the synthesized output.
 */
import { TerraformStack, Testing } from "cdktf";
import { type EnvironmentConfig, environments, production, staging } from "../src/environments.ts";
import { BillMiddlewareStack } from "../src/stacks/bill-middleware-stack.ts";

export type Json = Record<string, unknown>;
export interface Synthesized {
  readonly config: EnvironmentConfig;
  /** The stack's cdk.tf.json as a string (for Testing.toHaveResourceWithProperties). */
  readonly text: string;
  readonly json: { resource: Record<string, Record<string, Json>>; data?: Record<string, Record<string, Json>> } & Json;
}

const cache = new Map<string, Synthesized>();

/** Synthesizes one environment's stack (memoized). */
export function synth(config: EnvironmentConfig = production): Synthesized {
  const hit = cache.get(config.name);
  if (hit) return hit;
  const app = Testing.app();
  const stack = new BillMiddlewareStack(app, config.name, config);
  const text = Testing.synth(stack);
  const result = { config, text, json: JSON.parse(text) };
  cache.set(config.name, result);
  return result;
}

/**
 * Synthesizes one construct (or module) on its own: `build` gets a bare TerraformStack, with no
 * provider and none of the rest of the stack, so a construct test shows what that construct makes.
 */
export function synthAlone(build: (stack: TerraformStack) => void): Omit<Synthesized, "config"> {
  const stack = new TerraformStack(Testing.app(), "alone");
  build(stack);
  const text = Testing.synth(stack);
  return { text, json: JSON.parse(text) };
}

export const allEnvironments = environments;
export { production, staging };

/** Resources of one type as [logical name, properties]. */
export function resources(s: Pick<Synthesized, "json">, type: string): [string, Json][] {
  return Object.entries(s.json.resource[type] ?? {});
}

/** The one resource of a type whose logical name contains `fragment`. */
export function resource(s: Pick<Synthesized, "json">, type: string, fragment: string): Json {
  const found = resources(s, type).filter(([name]) => name.includes(fragment));
  if (found.length !== 1) {
    throw new Error(`expected one ${type} matching "${fragment}", found ${found.map(([n]) => n).join(", ") || "none"}`);
  }
  return found[0]![1];
}

/** Logical name of a resource from a `${type.name.attr}` reference. */
export const refName = (ref: unknown): string => String(ref).replace(/^\$\{[a-z0-9_]+\.([^.]+)\..*\}$/, "$1");

/** Parses a JSON-encoded policy or configuration string. */
export const parse = (v: unknown): Json => JSON.parse(String(v)) as Json;
