/** "NAME: message" for NetSuite's SuiteScriptError objects and plain errors alike. */
export function describeError(err: unknown): string {
  if (err !== null && typeof err === "object") {
    const e = err as { name?: unknown; message?: unknown };
    const text = [e.name, e.message].filter((part) => typeof part === "string" && part !== "").join(": ");
    if (text) return text;
  }
  return String(err);
}
