import { fake } from "./state.ts";

export function check<T>(value: T, sets: Record<string, (v: T) => boolean>): boolean {
  let all = true;
  for (const [name, fn] of Object.entries(sets)) {
    const ok = fn(value);
    fake().checks.push({ name, ok });
    all &&= ok;
  }
  return all;
}

export function fail(message?: string): never {
  throw new Error(message);
}

export function sleep(seconds: number): void {
  fake().sleeps.push(seconds);
}
