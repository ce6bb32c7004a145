/**
 * The cuts' common measurement: `connections` callers in a closed loop run `op` `count` times
 * (after a warm-up of `warmup` calls), and what that took in wall time and in this process's CPU.
 */
export interface ClosedLoopRun {
  readonly seconds: number;
  readonly cpu: NodeJS.CpuUsage;
}

export async function closedLoop(
  connections: number,
  count: number,
  warmup: number,
  op: (i: number) => Promise<unknown>,
): Promise<ClosedLoopRun> {
  let next = 0;
  const run = (n: number, offset: number) =>
    Promise.all(
      Array.from({ length: connections }, async () => {
        while (next < n) await op(offset + next++);
      }),
    );
  await run(warmup, 1_000_000); // warm-up calls get indexes of their own
  next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run(count, 0);
  return { seconds: (performance.now() - t0) / 1000, cpu: process.cpuUsage(cpu0) };
}
