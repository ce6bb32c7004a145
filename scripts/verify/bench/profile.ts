/**
 * Where the service's CPU time goes: a V8 .cpuprofile (from service-probe.ts) summed by self time
 * into packages (node_modules/<package>), Node internals, the project's own files, GC and idle.
 * Pure function over the profile JSON.
 */

interface CpuProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
}

export interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileShare {
  readonly name: string;
  readonly ms: number;
  /** Share of the busy (non-idle) time, percent. */
  readonly pct: number;
}

export interface ProfileSummary {
  readonly busyMs: number;
  readonly idleMs: number;
  /** Time in the inspector itself (the profiler's own cost), left out of busyMs. */
  readonly profilerMs: number;
  readonly byGroup: readonly ProfileShare[];
  readonly topFunctions: readonly ProfileShare[];
}

/** The bucket a frame's self time belongs to. */
export function groupOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === "(idle)") return "(idle)";
    if (functionName === "(garbage collector)") return "GC";
    return functionName.startsWith("(") ? `V8 ${functionName}` : `native ${functionName || "(anonymous)"}`;
  }
  const pkg = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith("node:")) return `node:${url.slice(5).split("/")[0]}`;
  const project = /\/((?:service|consumer|lib|scripts)\/.*)$/.exec(url);
  return project ? project[1]! : url;
}

export function summarizeProfile(profile: CpuProfile, top = 12): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const groups = new Map<string, number>();
  const functions = new Map<string, number>();
  let idle = 0;
  let profiler = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    if (!node) return;
    const { functionName, url } = node.callFrame;
    const group = groupOf(url, functionName);
    if (group === "(idle)") {
      idle += ms;
      return;
    }
    if (group === "node:inspector") {
      profiler += ms;
      return;
    }
    groups.set(group, (groups.get(group) ?? 0) + ms);
    const fn = `${functionName || "(anonymous)"} ${group}`;
    functions.set(fn, (functions.get(fn) ?? 0) + ms);
  });
  const busy = [...groups.values()].reduce((a, b) => a + b, 0);
  const shares = (m: Map<string, number>): ProfileShare[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms: Math.round(ms), pct: Math.round((ms / Math.max(busy, 1e-9)) * 1000) / 10 }));
  return {
    busyMs: Math.round(busy),
    idleMs: Math.round(idle),
    profilerMs: Math.round(profiler),
    byGroup: shares(groups),
    topFunctions: shares(functions),
  };
}
