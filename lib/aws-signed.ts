/**
 * The signed-send path: one AWS call without send()'s middleware stack (lib/storage.ts putPdf,
 * lib/queue.ts BillMessageBatcher), signed, retried and reported as send() would.
 */

import { AwsSdkSigV4Signer } from "@aws-sdk/core";
import { getEndpointFromInstructions } from "@smithy/core/endpoints";
import type { HttpRequest, HttpResponse } from "@smithy/core/protocols";
import { isServerError, isThrottlingError, isTransientError } from "@smithy/core/retry";
import type { RetryStrategyV2 } from "@smithy/types";
import { isTraced, reportCommand } from "./aws-observe.ts";
import { getXRay } from "./tracing.ts";

/**
 * One AWS call without send()'s per-command middleware stack, for the two calls on every accepted
 * bill (lib/storage.ts putPdf, lib/queue.ts BillMessageBatcher): what decides what goes on the
 * wire still comes from the client (endpoint rules, run once per `endpointKey`; its signer and
 * credential chain; its clock-skew correction; its retry strategy: 5xx, throttling, network
 * errors, shared token bucket; its HTTP handler: keep-alive agent, timeouts). The call is reported
 * to `onCommand` and recorded in X-Ray (an aws subsegment, as captureAWSv3Client records one) the
 * same way as a call through send(). cuts/s3-put.ts and cuts/aws-calls.ts measure the difference.
 */
export interface SignedCall<T> {
  /** For onCommand and X-Ray, as send() names them: "S3Client", "PutObjectCommand". */
  readonly clientName: string;
  readonly command: string;
  /** The command's input as onCommand listeners see it (the fields that name resources). */
  readonly input: Readonly<Record<string, unknown>>;
  /** The command class whose endpoint parameters the ruleset reads from `endpointInput`. */
  readonly endpointCommand: unknown;
  readonly endpointInput: Readonly<Record<string, unknown>>;
  /** Calls with the same key share one endpoint resolution (e.g. the bucket). */
  readonly endpointKey: string;
  /** The endpoint SDK middleware would substitute (SQS: the queue URL's host), or the same one. */
  readonly adjustEndpoint?: (url: URL, clientConfig: Readonly<Record<string, unknown>>) => URL;
  /** The unsigned request for an endpoint (path-style base path without a trailing "/"). */
  readonly request: (endpoint: { readonly url: URL; readonly basePath: string }) => HttpRequest;
  /** The answer of a 2xx (`attempts`: 1 when no attempt before it was sent); may throw (a checksum that does not match). */
  readonly result: (headers: Record<string, string>, body: Uint8Array, attempts: number) => T;
  /** The error of a non-2xx answer in the SDK's shape (name = the service's code, $fault, $metadata). */
  readonly error: (status: number, headers: Record<string, string>, body: Uint8Array) => Error;
  /** X-Ray: the aws subsegment's fields beyond operation, region, request id and retries. */
  readonly traceFields?: Readonly<Record<string, unknown>>;
}

interface ClientLike {
  readonly config: object;
}
interface ResolvedEndpoint {
  readonly url: URL;
  readonly basePath: string;
  readonly authScheme: { name: string; signingName?: string; signingRegion?: string };
  readonly endpointV2: unknown;
  /** What AwsSdkSigV4Signer reads of the client's config, with the client's signer built once. */
  readonly signingConfig: object;
}

/**
 * The client's config as the SigV4 signer sees it, except that `signer` answers with one signer
 * built by the client's own factory: the factory builds a new one (spreading the whole config) on
 * every request. The clock offset reads and writes through to the client, so calls through send()
 * and these share its correction.
 */
function signingConfigOf(config: Record<string, unknown>, authScheme: ResolvedEndpoint["authScheme"]): object {
  const factory = config.signer as (scheme: unknown) => Promise<unknown>;
  let built: Promise<unknown> | undefined;
  return {
    signer: () => {
      built ??= factory(authScheme);
      return built;
    },
    get systemClockOffset() {
      return config.systemClockOffset;
    },
    set systemClockOffset(offset: unknown) {
      config.systemClockOffset = offset;
    },
    disableClockSkewCorrection: config.disableClockSkewCorrection,
  };
}

const endpointCache = new WeakMap<object, Map<string, Promise<ResolvedEndpoint>>>();
const sigV4 = new AwsSdkSigV4Signer();

function resolvedEndpoint(config: Record<string, unknown>, call: SignedCall<unknown>): Promise<ResolvedEndpoint> {
  let byKey = endpointCache.get(config);
  if (!byKey) {
    byKey = new Map();
    endpointCache.set(config, byKey);
  }
  let found = byKey.get(call.endpointKey);
  if (!found) {
    found = getEndpointFromInstructions(
      call.endpointInput as never,
      call.endpointCommand as never,
      config as never,
    ).then((ep) => {
      const scheme = (ep.properties?.authSchemes as ResolvedEndpoint["authScheme"][] | undefined)?.[0] ?? {
        name: "sigv4",
      };
      if (scheme.name !== "sigv4") throw new Error(`${call.command}: unsupported auth scheme ${scheme.name}`);
      const url = call.adjustEndpoint ? call.adjustEndpoint(ep.url, config) : ep.url;
      return {
        url,
        basePath: url.pathname.replace(/\/$/, ""),
        authScheme: scheme,
        endpointV2: { ...ep, url },
        signingConfig: signingConfigOf(config, scheme),
      };
    });
    const cache = byKey;
    const key = call.endpointKey;
    found.catch(() => cache.delete(key));
    byKey.set(key, found);
  }
  return found;
}

function retryErrorType(err: unknown): "THROTTLING" | "TRANSIENT" | "SERVER_ERROR" | "CLIENT_ERROR" {
  const e = err as never;
  if (isThrottlingError(e)) return "THROTTLING";
  if (isTransientError(e)) return "TRANSIENT";
  if (isServerError(e)) return "SERVER_ERROR";
  return "CLIENT_ERROR";
}

type SdkConfig = {
  requestHandler: { handle(r: HttpRequest): Promise<{ response: HttpResponse }> };
  streamCollector(body: unknown): Promise<Uint8Array>;
  retryStrategy(): Promise<object>;
  maxAttempts(): Promise<number>;
  region(): Promise<string>;
};

/** One signed attempt through the client's HTTP handler. */
async function attemptOnce<T>(config: SdkConfig, ep: ResolvedEndpoint, call: SignedCall<T>, n: number, max: number) {
  const request = call.request(ep);
  request.headers["amz-sdk-request"] = `attempt=${n}; max=${max}`;
  const signingProperties: Record<string, unknown> = {
    config: ep.signingConfig,
    context: { endpointV2: ep.endpointV2 },
    signingName: ep.authScheme.signingName,
    signingRegion: ep.authScheme.signingRegion ?? (await config.region()),
  };
  const signed = (await sigV4.sign(request, {} as never, signingProperties)) as HttpRequest;
  const { response } = await config.requestHandler.handle(signed);
  const body = await config.streamCollector(response.body);
  try {
    if (response.statusCode < 200 || response.statusCode >= 300) {
      const err = call.error(response.statusCode, response.headers, body);
      Object.assign(err, { $response: response });
      throw err;
    }
    sigV4.successHandler(response as never, signingProperties);
    return { headers: response.headers, body };
  } catch (err) {
    // Corrects the client's clock offset from the Date header (and marks the error retryable if it moved).
    sigV4.errorHandler(signingProperties)(err as Error);
    throw err;
  }
}

export async function sendSigned<T>(client: ClientLike, call: SignedCall<T>): Promise<T> {
  const config = client.config as unknown as SdkConfig;
  const tell = reportCommand(client, call.clientName, call.command, call.input);
  const traced = isTraced(client) ? awsSubsegment(call, await config.region()) : undefined;
  const strategy = (await config.retryStrategy()) as Partial<RetryStrategyV2>;
  // Every client here uses the SDK's default (standard mode, a RetryStrategyV2); a legacy one is refused.
  if (!strategy.acquireInitialRetryToken || !strategy.refreshRetryTokenForRetry || !strategy.recordSuccess) {
    throw new Error(`${call.command} needs a RetryStrategyV2 on the client`);
  }
  const maxAttempts = await config.maxAttempts();
  let token = await strategy.acquireInitialRetryToken("");
  let attempts = 0;
  let totalRetryDelay = 0;
  try {
    const ep = await resolvedEndpoint(client.config as Record<string, unknown>, call as SignedCall<unknown>);
    for (;;) {
      try {
        const { headers, body } = await attemptOnce(config, ep, call, attempts + 1, maxAttempts);
        strategy.recordSuccess(token);
        const out = call.result(headers, body, attempts + 1);
        traced?.ok(headers, attempts + 1);
        tell();
        return out;
      } catch (err) {
        try {
          token = await strategy.refreshRetryTokenForRetry(token, { errorType: retryErrorType(err) });
        } catch {
          const e = err as { $metadata?: Record<string, unknown> };
          if (e.$metadata) Object.assign(e.$metadata, { attempts: attempts + 1, totalRetryDelay });
          throw err;
        }
        attempts = token.getRetryCount();
        const delay = token.getRetryDelay();
        // The standard strategy waits inside refreshRetryTokenForRetry and logs the wait on the token.
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
 * The subsegment X-Ray's captureAWSv3Client records for a call through send() (named after the
 * service, namespace aws, operation, region, request id, retries, throttle/fault/error flags).
 * Nothing when no segment is open.
 */
function awsSubsegment(call: SignedCall<unknown>, region: string) {
  const X = getXRay();
  const parent = X.getSegment();
  if (!parent) return undefined;
  const service = call.clientName.replace(/Client$/, "");
  const op = call.command.replace(/Command$/, "");
  const sub = parent.addNewSubsegment(service);
  sub.addAttribute("namespace", "aws");
  const aws = (requestId: string | undefined, attempts: number) => ({
    operation: op,
    region,
    request_id: requestId,
    retries: attempts - 1,
    ...call.traceFields,
  });
  return {
    ok(headers: Record<string, string>, attempts: number) {
      sub.addAttribute("aws", aws(headers["x-amz-request-id"] ?? headers["x-amzn-requestid"], attempts));
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
