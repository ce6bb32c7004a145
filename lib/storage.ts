/**
 * PDF objects in S3. The service computes SHA-256 once and hands it to S3 as the object's
 * checksum (S3 verifies it; we skip the SDK's own CRC32 pass), encrypted with KMS.
 *
 * putPdf is on every accepted bill, so it skips the SDK's per-command middleware stack (endpoint
 * rules, schema serialization, flexible checksums, XML deserialization: ~0.6-1.3 ms of CPU per
 * 100 KiB put, scripts/verify/bench/cuts/s3-put.ts) but keeps every part of the client that
 * decides what goes on the wire: the endpoint from the client's own rules (AWS_ENDPOINT_URL_S3,
 * forcePathStyle, region; resolved once per bucket), the client's signer and credential chain,
 * its clock-skew correction, its retry strategy (5xx, throttling, network errors; shared token
 * bucket) and its HTTP handler (keep-alive agent, timeouts). The other S3 calls go through send().
 */

import type { Readable } from "node:stream";
import {
  CopyObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { AwsSdkSigV4Signer } from "@aws-sdk/core";
import { getEndpointFromInstructions } from "@smithy/core/endpoints";
import { extendedEncodeURIComponent, HttpRequest } from "@smithy/core/protocols";
import { isServerError, isThrottlingError, isTransientError } from "@smithy/core/retry";
import { isTraced, reportCommand } from "./aws.ts";
import { getXRay } from "./tracing.ts";

export interface PutPdfInput {
  readonly bucket: string;
  readonly key: string;
  readonly body: Uint8Array;
  /** Hex SHA-256 of body, already computed by the caller. */
  readonly sha256: string;
  readonly kmsKeyId?: string | undefined;
  readonly metadata?: Record<string, string>;
}

const hexToBase64 = (hex: string) => Buffer.from(hex, "hex").toString("base64");

interface BucketEndpoint {
  readonly url: URL;
  /** The endpoint's path with no trailing "/": "/bucket" (path style) or "" (virtual host). */
  readonly basePath: string;
  readonly authScheme: { name: string; signingName?: string; signingRegion?: string };
  readonly endpointV2: unknown;
}

type Config = S3Client["config"];
const endpoints = new WeakMap<Config, Map<string, Promise<BucketEndpoint>>>();
const sigV4 = new AwsSdkSigV4Signer();

/** The client's own endpoint rules, run once per bucket (they cost ~0.1 ms a call). */
function endpointFor(config: Config, bucket: string): Promise<BucketEndpoint> {
  let byBucket = endpoints.get(config);
  if (!byBucket) {
    byBucket = new Map();
    endpoints.set(config, byBucket);
  }
  let found = byBucket.get(bucket);
  if (!found) {
    found = getEndpointFromInstructions({ Bucket: bucket, Key: "k" }, PutObjectCommand as never, config as never).then(
      (ep) => {
        const scheme = (ep.properties?.authSchemes as BucketEndpoint["authScheme"][] | undefined)?.[0];
        if (scheme?.name !== "sigv4") throw new Error(`s3://${bucket}: unsupported auth scheme ${scheme?.name}`);
        return { url: ep.url, basePath: ep.url.pathname.replace(/\/$/, ""), authScheme: scheme, endpointV2: ep };
      },
    );
    found.catch(() => byBucket.delete(bucket));
    byBucket.set(bucket, found);
  }
  return found;
}

function putRequest(ep: BucketEndpoint, input: PutPdfInput, expectContinue: boolean | number | undefined): HttpRequest {
  const headers: Record<string, string> = {
    host: ep.url.host,
    "content-type": "application/pdf",
    "content-length": String(input.body.byteLength),
    // SigV4 signs the payload hash; the signer takes this header instead of hashing the body again.
    "x-amz-content-sha256": input.sha256,
    "x-amz-sdk-checksum-algorithm": "SHA256",
    "x-amz-checksum-sha256": hexToBase64(input.sha256),
    "x-amz-server-side-encryption": "aws:kms",
  };
  if (input.kmsKeyId) headers["x-amz-server-side-encryption-aws-kms-key-id"] = input.kmsKeyId;
  for (const [k, v] of Object.entries({ sha256: input.sha256, ...input.metadata })) headers[`x-amz-meta-${k}`] = v;
  // The SDK's own rule (expectContinueHeader: a size threshold, 2 MiB by default).
  if (expectContinue === true || (typeof expectContinue === "number" && input.body.byteLength >= expectContinue)) {
    headers.expect = "100-continue";
  }
  return new HttpRequest({
    method: "PUT",
    protocol: ep.url.protocol,
    hostname: ep.url.hostname,
    port: ep.url.port ? Number(ep.url.port) : undefined,
    path: `${ep.basePath}/${input.key.split("/").map(extendedEncodeURIComponent).join("/")}`,
    headers,
    body: input.body,
  });
}

/** The S3 error in the SDK's shape (name = S3's code, $metadata, $response), so retry rules and callers read it alike. */
function s3Error(status: number, headers: Record<string, string>, xml: string, response: unknown): S3ServiceException {
  const pick = (tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
  const name = pick("Code") ?? (status >= 500 ? "ServiceUnavailable" : `Http${status}`);
  const err = new S3ServiceException({
    name,
    $fault: status >= 500 ? "server" : "client",
    message: pick("Message") ?? name,
    $metadata: {
      httpStatusCode: status,
      requestId: headers["x-amz-request-id"],
      extendedRequestId: headers["x-amz-id-2"],
    },
  });
  Object.assign(err, { $response: response });
  return err;
}

function errorType(err: unknown): "THROTTLING" | "TRANSIENT" | "SERVER_ERROR" | "CLIENT_ERROR" {
  const e = err as never;
  if (isThrottlingError(e)) return "THROTTLING";
  if (isTransientError(e)) return "TRANSIENT";
  if (isServerError(e)) return "SERVER_ERROR";
  return "CLIENT_ERROR";
}

/** One signed attempt through the client's HTTP handler; resolves with the response headers of a 2xx. */
async function attempt(config: Config, ep: BucketEndpoint, input: PutPdfInput, attemptNo: number, max: number) {
  const request = putRequest(ep, input, config.expectContinueHeader as boolean | number | undefined);
  request.headers["amz-sdk-request"] = `attempt=${attemptNo}; max=${max}`;
  const signingProperties: Record<string, unknown> = {
    config,
    context: { endpointV2: ep.endpointV2 },
    signingName: ep.authScheme.signingName,
    signingRegion: ep.authScheme.signingRegion,
  };
  const signed = (await sigV4.sign(request, {} as never, signingProperties)) as HttpRequest;
  const { response } = await config.requestHandler.handle(signed as never);
  const body = await config.streamCollector(response.body);
  try {
    if (response.statusCode >= 300) {
      throw s3Error(response.statusCode, response.headers, Buffer.from(body).toString("utf8"), response);
    }
    sigV4.successHandler(response as never, signingProperties);
    return response.headers;
  } catch (err) {
    // Corrects the client's clock offset from the Date header (marks the error retryable if it moved).
    sigV4.errorHandler(signingProperties)(err as Error);
    throw err;
  }
}

/** Returns the new object version (versioned buckets), so a caller can remove exactly what it wrote. */
export async function putPdf(s3: S3Client, input: PutPdfInput): Promise<{ versionId: string | undefined }> {
  const tell = reportCommand(s3, "S3Client", "PutObjectCommand", {
    Bucket: input.bucket,
    Key: input.key,
    ServerSideEncryption: "aws:kms",
    SSEKMSKeyId: input.kmsKeyId,
    ChecksumAlgorithm: "SHA256",
  });
  const traced = isTraced(s3) ? awsSubsegment(await s3.config.region(), input) : undefined;
  const config = s3.config;
  const strategy = await config.retryStrategy();
  // Every client here uses the SDK's default (standard mode, a RetryStrategyV2); a legacy one is refused.
  if (!("acquireInitialRetryToken" in strategy)) throw new Error("putPdf needs a RetryStrategyV2 on the S3 client");
  const maxAttempts = await config.maxAttempts();
  let token = await strategy.acquireInitialRetryToken("");
  let attempts = 0;
  let totalRetryDelay = 0;
  try {
    const ep = await endpointFor(config, input.bucket);
    for (;;) {
      try {
        const headers = await attempt(config, ep, input, attempts + 1, maxAttempts);
        strategy.recordSuccess(token);
        traced?.ok(headers, attempts + 1);
        tell();
        return { versionId: headers["x-amz-version-id"] };
      } catch (err) {
        try {
          token = await strategy.refreshRetryTokenForRetry(token, { errorType: errorType(err) });
        } catch {
          const e = err as { $metadata?: Record<string, unknown> };
          if (e.$metadata) Object.assign(e.$metadata, { attempts: attempts + 1, totalRetryDelay });
          throw err;
        }
        attempts = token.getRetryCount();
        const delay = token.getRetryDelay();
        // This strategy waits inside refreshRetryTokenForRetry and logs the wait on the token.
        totalRetryDelay +=
          ((token as { $retryLog?: { acquisitionDelay?: number } }).$retryLog?.acquisitionDelay ?? 0) + delay;
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      }
    }
  } catch (err) {
    traced?.failed(err, attempts + 1);
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    tell({ name: e.name ?? "Error", httpStatusCode: e.$metadata?.httpStatusCode });
    throw err;
  }
}

/**
 * The subsegment X-Ray's captureAWSv3Client records for a call through send() (name "S3",
 * namespace aws, operation, region, request id, retries, bucket and key, throttle/fault flags),
 * for the put that does not go through send(). Nothing when no segment is open.
 */
function awsSubsegment(region: string, input: PutPdfInput) {
  const X = getXRay();
  const parent = X.getSegment();
  if (!parent) return undefined;
  const sub = parent.addNewSubsegment("S3");
  sub.addAttribute("namespace", "aws");
  const aws = (requestId: string | undefined, retries: number) => ({
    operation: "PutObject",
    region,
    request_id: requestId,
    retries: retries - 1,
    bucket_name: input.bucket,
    key: input.key,
  });
  return {
    ok(headers: Record<string, string>, attempts: number) {
      sub.addAttribute("aws", aws(headers["x-amz-request-id"], attempts));
      sub.addAttribute("http", { response: { status: 200 } });
      sub.close();
    },
    failed(err: unknown, attempts: number) {
      const e = err as Error & { $metadata?: { httpStatusCode?: number; requestId?: string } };
      const status = e.$metadata?.httpStatusCode;
      sub.addAttribute("aws", aws(e.$metadata?.requestId, attempts));
      if (status) sub.addAttribute("http", { response: { status } });
      if (isThrottlingError(e as never)) sub.addThrottleFlag();
      else if (status && status >= 500) sub.addFaultFlag();
      else if (status && status >= 400) sub.addErrorFlag();
      sub.close(e);
    },
  };
}

export interface StoredObject {
  readonly stream: Readable;
  readonly contentLength: number;
  readonly sha256: string | undefined;
}

/** Opens the object as a stream (the worker pipes it to Zoho without buffering the whole file). */
export async function getPdfStream(s3: S3Client, bucket: string, key: string): Promise<StoredObject> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!out.Body) throw new Error(`s3://${bucket}/${key} has no body`);
  return {
    stream: out.Body as Readable,
    contentLength: out.ContentLength ?? 0,
    sha256: out.Metadata?.sha256,
  };
}

/**
 * Server-side copy (no bytes through this process): the worker copies a delivered PDF from incoming
 * to processed (Object Lock). It does not delete the incoming object: the incoming bucket's own
 * lifecycle expires it after 30 days (infra/src/constructs/secure-bucket.ts INCOMING_LIFECYCLE).
 */
export async function copyObject(
  s3: S3Client,
  from: { bucket: string; key: string },
  to: { bucket: string; key: string },
  kmsKeyId?: string,
): Promise<void> {
  await s3.send(
    new CopyObjectCommand({
      CopySource: `${from.bucket}/${encodeURIComponent(from.key).replace(/%2F/g, "/")}`,
      Bucket: to.bucket,
      Key: to.key,
      ServerSideEncryption: "aws:kms",
      SSEKMSKeyId: kmsKeyId,
      MetadataDirective: "COPY",
    }),
  );
}
