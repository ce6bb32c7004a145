import t from "tap";
import { barChart, lineChart } from "../charts.ts";
import { type BenchResults, renderHtml, renderTable, verdicts } from "../report.ts";

const latency = { p50: 10, p95: 20, p99: 30, max: 40 };
const load = {
  requests: 100,
  accepted: 100,
  retried: 0,
  otherStatus: {},
  errors: 0,
  seconds: 10,
  acceptedPerSecond: 10,
  latencyMs: latency,
  megabytesPerSecond: 1.3,
};
const direct = { accepted: 110, errors: 0, seconds: 10, acceptedPerSecond: 11, latencyMs: latency, cpuMsPerBill: 1.2 };
const results: BenchResults = {
  runId: "r1",
  startedAt: "2026-11-24T10:00:00.000Z",
  quick: false,
  phases: ["ingest", "memory", "spike"],
  standIns: "moto_server (S3 and SQS)",
  machine: { cores: 2, loadAverage: { start: 0.2, end: 1.1 }, cpu: "cpu <x>", memoryGiB: 8, node: "v24" },
  plan: {},
  ingest: {
    small: { ...load, direct, serviceOverDirect: 0.91 },
    large: { ...load, acceptedPerSecond: 2, direct: { ...direct, acceptedPerSecond: 4 }, serviceOverDirect: 0.5 },
  },
  cpu: {
    serviceMsPerBill: 1.5,
    floorMsPerBill: 0.5,
    overFloor: 3,
    directProcessMsPerBill: 1.2,
    profile: {
      file: "f",
      accepted: 50,
      busyMsPerBill: 1.4,
      byGroup: [{ name: "@aws-sdk/core", ms: 30, pct: 40, msPerBill: 0.6 }],
      topFunctions: [],
    },
  },
  memory: {
    requests: 50_000,
    accepted: 1_500,
    retried: 48_500,
    samples: [
      { requests: 0, rssMiB: 100, heapUsedMiB: 30 },
      { requests: 5_000, rssMiB: 120, heapUsedMiB: 36 },
      { requests: 50_000, rssMiB: 121, heapUsedMiB: 36.5 },
    ],
    heapGrowthAfterWarmupPct: 1.4,
    rssGrowthAfterWarmupPct: 0.8,
    seconds: 120,
  },
  spike: {
    profile: "spike",
    bills: 567,
    accepted: 567,
    workers: 3,
    peakBacklog: 230,
    peakAtSeconds: 45,
    drainSecondsAfterLoad: 14,
    drainedAtSeconds: 83,
    forecast: { peakBacklog: 223, drainedAtSeconds: 80.4 },
    deliveryPerSecond: 7.7,
    fleetLimitPerSecond: 8,
    simLimitPerSecond: 10,
    zoho429: 0,
    failed: 0,
    zohoCallsPerBill: 2.1,
    zohoLimitShareSaturated: 0.78,
    billsPerMinutePerOrgAtZohoLimit: 37.1,
    workerCpuMsPerBill: 9.4,
    series: [
      { t: 0.5, arrived: 2, backlog: 1, delivered: 1 },
      { t: 45, arrived: 300, backlog: 230, delivered: 70 },
    ],
    forecastSeries: [
      { t: 0, backlog: 0 },
      { t: 45, backlog: 223 },
    ],
  },
  seconds: 300,
};

const side = (cpuMsPerBill: number, acceptedPerSecond: number, p99AtHalf: number) => ({
  accepted: 400,
  requests: 402,
  otherStatus: {},
  errors: 1,
  acceptedPerSecond,
  latencyMs: latency,
  cpuMsPerBill,
  atHalfRate: { acceptedPerSecond: acceptedPerSecond / 2, latencyMs: { ...latency, p99: p99AtHalf } },
});
const compared: BenchResults = {
  ...results,
  phases: ["compare"],
  compare: {
    standIns: "fast ones",
    shape: { sizeBytes: 102_400, connections: 32, durationS: 20, profileS: 5 },
    service: side(2, 90, 41),
    seed: side(4.5, 60, 300),
    serviceIdleCpuMsPerSecond: 4.4,
    standInCpuMsPerBill: { s3: 4.2, sqs: 2.2 },
    halfRatePerSecond: 45,
    profiles: {
      service: [{ name: "native writev", ms: 10, pct: 40, msPerBill: 1.1 }],
      seed: [{ name: "body-parser", ms: 5, pct: 10, msPerBill: 0.6 }],
    },
    ratios: { cpuPerBill: 0.44, throughput: 1.5 },
  },
};

t.test("the comparison with the seed's stack: both sides, the ratios and the goals", async (t) => {
  const text = renderTable(compared);
  t.match(
    text,
    /service\s+2\s+90\s+10\s+30\s+45\s+10\s+41\s+3/,
    "service row: CPU, bills/s, p50, p99, half rate, not 202",
  );
  t.match(text, /seed stack\s+4.5\s+60/);
  t.match(text, /CPU per bill 0.44, throughput 1.5; service background CPU 4.4 ms\/s/);
  t.match(text, /S3 4.2 ms, SQS 2.2 ms/);
  t.match(text, /native writev\s+1.1\s+body-parser\s+0.6/, "profiles side by side");
  t.same(
    verdicts(compared)
      .slice(0, 3)
      .map((v) => [v.value, v.ok]),
    [
      [0.44, true],
      [1.5, true],
      [41, true],
    ],
  );
  t.equal(
    verdicts({ ...compared, compare: { ...compared.compare!, ratios: { cpuPerBill: 0.6, throughput: 1.4 } } })[0]?.ok,
    false,
  );
  t.equal((renderHtml(compared).match(/<svg /g) ?? []).length, 9, "three comparison charts before the others");
});

t.test("a run of some phases renders only those", async (t) => {
  const only = { ...compared, ingest: undefined, cpu: undefined, memory: undefined, spike: undefined };
  const text = renderTable(only);
  t.notMatch(text, /service\/direct|memory over|compressed spike/);
  t.equal(verdicts(only).length, 3);
  t.equal((renderHtml(only).match(/<svg /g) ?? []).length, 3);
});

t.test("verdicts follow the issue's targets", async (t) => {
  t.same(
    verdicts(results).map((v) => v.ok),
    [true, false, true, true],
  );
});

t.test("the table carries every figure the README quotes", async (t) => {
  const text = renderTable(results);
  t.match(text, /on 2 cores/);
  t.match(text, /load average 0.2 at the start/);
  t.match(text, /100 KiB c=32 via HTTP\s+10\s+10\s+20\s+30\s+100\s+0/);
  t.match(text, /service\/direct: 100 KiB 0.91, 5 MiB 0.5/);
  t.match(text, /= 3x/);
  t.match(text, /@aws-sdk\/core\s+0.6 ms\/bill/);
  t.match(text, /50000 requests \(1500 new, 48500 retries\)/);
  t.match(text, /peak backlog 230 at 45 s \(model 223\)/);
  t.match(text, /MISS {2}CPU per bill <= 2.0x the floor: 3/);
  t.match(text, /share of Zoho's limit used while saturated 78 % = 37.1 bills\/min per organization/);
  t.match(text, /worker CPU 9.4 ms per delivered bill/);
});

t.test("the HTML page is self-contained and escapes what it prints", async (t) => {
  const html = renderHtml(results);
  t.notMatch(html, /<script|https?:\/\/(?!www\.w3\.org)/, "no scripts, no external assets");
  t.match(html, /cpu &lt;x&gt;/);
  t.equal((html.match(/<svg /g) ?? []).length, 6, "six charts");
  t.match(
    lineChart("a", "x", "y", [
      {
        label: "l",
        color: "#000",
        points: [
          [0, 0],
          [10, 5],
        ],
      },
    ]),
    /<polyline[^>]+points="60.0,260.0 700.0,[\d.]+"/,
  );
  t.match(barChart("b", "ms", [{ label: "one", value: 2 }]), /2 ms<\/text>/);
});
