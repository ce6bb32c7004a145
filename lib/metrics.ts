/**
 * CloudWatch metrics, batched: values are aggregated in memory as StatisticSets per
 * (name, dimensions, unit) and flushed with PutMetricData every interval (1,000 data points per
 * call at most), never one call per request.
 */
import {
  type CloudWatchClient,
  type MetricDatum,
  PutMetricDataCommand,
  type StandardUnit,
} from "@aws-sdk/client-cloudwatch";

type Dimensions = Readonly<Record<string, string>>;
interface Aggregate {
  name: string;
  unit: StandardUnit;
  dimensions: Dimensions;
  count: number;
  sum: number;
  min: number;
  max: number;
}

export interface MetricsOptions {
  readonly namespace: string;
  readonly environment: string;
  readonly flushIntervalMs: number;
  /** Called when a flush fails; metrics are best-effort and must never break a request. */
  readonly onError?: (err: unknown) => void;
}

export class Metrics {
  readonly #client: CloudWatchClient;
  readonly #opts: MetricsOptions;
  #pending = new Map<string, Aggregate>();
  #timer: NodeJS.Timeout | undefined;
  /** Number of PutMetricData calls made; lets tests and benchmarks see the batching. */
  calls = 0;

  constructor(client: CloudWatchClient, opts: MetricsOptions) {
    this.#client = client;
    this.#opts = opts;
  }

  start(): this {
    this.#timer ??= setInterval(() => void this.flush(), this.#opts.flushIntervalMs);
    this.#timer.unref();
    return this;
  }

  /** Records one value; Environment is added to every metric's dimensions. */
  record(name: string, value: number, unit: StandardUnit = "Count", dimensions: Dimensions = {}): void {
    const dims = { Environment: this.#opts.environment, ...dimensions };
    const key = `${name}|${unit}|${Object.entries(dims)
      .sort()
      .map(([k, v]) => `${k}=${v}`)
      .join(",")}`;
    const agg = this.#pending.get(key);
    if (agg) {
      agg.count++;
      agg.sum += value;
      agg.min = Math.min(agg.min, value);
      agg.max = Math.max(agg.max, value);
    } else {
      this.#pending.set(key, { name, unit, dimensions: dims, count: 1, sum: value, min: value, max: value });
    }
  }

  async flush(): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = [...this.#pending.values()];
    this.#pending = new Map();
    const timestamp = new Date();
    const data: MetricDatum[] = batch.map((a) => ({
      MetricName: a.name,
      Unit: a.unit,
      Timestamp: timestamp,
      Dimensions: Object.entries(a.dimensions).map(([Name, Value]) => ({ Name, Value })),
      StatisticValues: { SampleCount: a.count, Sum: a.sum, Minimum: a.min, Maximum: a.max },
    }));
    for (let i = 0; i < data.length; i += 1000) {
      try {
        this.calls++;
        await this.#client.send(
          new PutMetricDataCommand({ Namespace: this.#opts.namespace, MetricData: data.slice(i, i + 1000) }),
        );
      } catch (err) {
        this.#opts.onError?.(err);
      }
    }
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }
}

/** FileSize dimension bucket, so PDFProcessingTime can be compared across sizes without cardinality blow-up. */
export function fileSizeBucket(bytes: number): string {
  if (bytes < 100 * 1024) return "lt100KiB";
  if (bytes < 1024 * 1024) return "100KiB-1MiB";
  if (bytes < 5 * 1024 * 1024) return "1-5MiB";
  return "gte5MiB";
}
