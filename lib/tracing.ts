/**
 * X-Ray tracing via aws-xray-sdk-core. Off unless XRAY_ENABLED, so local runs need no daemon.
 * Segments: one per HTTP request (service), one per SQS message (consumer), subsegments for
 * AWS SDK calls, Postgres queries and Zoho calls.
 */
import { createRequire } from "node:module";

type XRay = typeof import("aws-xray-sdk-core");
const require = createRequire(import.meta.url);
let xray: XRay | undefined;

/** Loaded lazily: the SDK patches globals on import, which a process with tracing off must not pay for. */
export function getXRay(): XRay {
  xray ??= require("aws-xray-sdk-core") as XRay;
  return xray;
}

export function captureAwsClient<T>(client: T, enabled: boolean): T {
  if (!enabled) return client;
  return getXRay().captureAWSv3Client(client as never) as T;
}

/** Runs fn inside a new segment (a message, a job) when tracing is on; plain call otherwise. */
export async function inSegment<T>(enabled: boolean, name: string, fn: () => Promise<T>): Promise<T> {
  if (!enabled) return fn();
  const X = getXRay();
  const segment = new X.Segment(name);
  const ns = X.getNamespace();
  return ns.runAndReturn(async () => {
    X.setSegment(segment);
    return recorded(segment, fn);
  });
}

/** Runs fn as a subsegment of the current segment when tracing is on and a segment exists. */
export async function inSubsegment<T>(enabled: boolean, name: string, fn: () => Promise<T>): Promise<T> {
  if (!enabled) return fn();
  const X = getXRay();
  const parent = X.getSegment();
  if (!parent) return fn();
  return recorded(parent.addNewSubsegment(name), fn);
}

/** Runs fn inside an open (sub)segment: records its error, and closes the segment either way. */
async function recorded<T>(segment: { addError(err: Error): void; close(): void }, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    segment.addError(err as Error);
    throw err;
  } finally {
    segment.close();
  }
}
