/**
 * Runs Map/Reduce entry points the way NetSuite does: getInputData once (10,000 units), an array's
 * elements to map as JSON strings (1,000 units per call), values grouped by key for reduce (5,000
 * units per call), a thrown error recorded against its key instead of stopping the run, then
 * summarize with iterators over errors and output. Values written must be strings under 10 MB and
 * keys under 3,000 characters, as NetSuite enforces.
 */
import type { FakeNetSuite } from "./n-modules.ts";

/** Entry points as NetSuite calls them; contexts are built here, so their exact types do not matter. */
interface Stages {
  getInputData(context: never): unknown;
  map(context: never): unknown;
  reduce(context: never): unknown;
  summarize(summary: never): unknown;
}

const iterate = (pairs: [string, string][]) => ({
  iterator: () => ({
    each(callback: (key: string, value: string, executionNo: number) => boolean) {
      for (const [k, v] of pairs) if (!callback(k, v, 1)) break;
    },
  }),
});

function checkWrite(key: string, value: string): void {
  if (typeof key !== "string" || key.length > 3000) throw new Error("KEY_LENGTH_IS_OVER_3000_BYTES");
  if (typeof value !== "string" || value.length > 10 * 1024 * 1024) throw new Error("VALUE_LENGTH_IS_OVER_10_MB");
}

export interface MapReduceRun {
  readonly input: unknown[];
  readonly mapErrors: [string, string][];
  readonly reduceErrors: [string, string][];
  readonly output: [string, string][];
  readonly summary: unknown;
}

export function runMapReduce(fake: FakeNetSuite, stages: Stages, options: { inputUsage?: number } = {}): MapReduceRun {
  const describe = (err: unknown) => JSON.stringify({ name: (err as Error).name, message: (err as Error).message });
  let inputError = "";
  let input: unknown[] = [];
  fake.state.remainingUsage = options.inputUsage ?? 10_000;
  try {
    const result = stages.getInputData({ isRestarted: false } as never);
    if (!Array.isArray(result)) throw new Error("this driver only supports arrays from getInputData");
    input = result;
  } catch (err) {
    inputError = describe(err);
  }

  const mapped = new Map<string, string[]>();
  const mapErrors: [string, string][] = [];
  input.forEach((element, index) => {
    fake.state.remainingUsage = 1000;
    try {
      stages.map({
        key: String(index),
        value: typeof element === "string" ? element : JSON.stringify(element),
        isRestarted: false,
        executionNo: 1,
        write(key: string, value: string) {
          checkWrite(key, value);
          mapped.set(key, [...(mapped.get(key) ?? []), value]);
        },
      } as never);
    } catch (err) {
      mapErrors.push([String(index), describe(err)]);
    }
  });

  const output: [string, string][] = [];
  const reduceErrors: [string, string][] = [];
  for (const [key, values] of mapped) {
    fake.state.remainingUsage = 5000;
    try {
      stages.reduce({
        key,
        values,
        write(k: string, v: string) {
          checkWrite(k, v);
          output.push([k, v]);
        },
      } as never);
    } catch (err) {
      reduceErrors.push([key, describe(err)]);
    }
  }

  fake.state.remainingUsage = 10_000;
  const summary = stages.summarize({
    isRestarted: false,
    usage: 0,
    seconds: 1,
    yields: 0,
    concurrency: 1,
    dateCreated: new Date(0),
    inputSummary: { error: inputError, usage: 0, seconds: 0, dateCreated: new Date(0) },
    mapSummary: { errors: iterate(mapErrors) },
    reduceSummary: { errors: iterate(reduceErrors) },
    output: iterate(output),
  } as never);
  return { input, mapErrors, reduceErrors, output, summary };
}
