/**
 * AWS SDK clients. Endpoints come from the SDK's standard AWS_ENDPOINT_URL[_SERVICE] settings, so
 * the same code talks to AWS or to moto; only path-style S3 addressing needs a flag of ours.
 * X-Ray capture wraps each client when tracing is on. Every client built here reports each command
 * it sends to the `onCommand` listeners (none by default): the permission check in infra/test/iam
 * checks them against each process's action list (lib/aws-actions.ts).
 */

import { createHash, createHmac, createSecretKey, type Hash, type Hmac } from "node:crypto";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import { AwsSdkSigV4Signer } from "@aws-sdk/core";
import { getEndpointFromInstructions } from "@smithy/core/endpoints";
import type { HttpRequest, HttpResponse } from "@smithy/core/protocols";
import { isServerError, isThrottlingError, isTransientError } from "@smithy/core/retry";
import type { RetryStrategyV2 } from "@smithy/types";
import { captureAwsClient, getXRay } from "./tracing.ts";

export interface AwsOptions {
  readonly AWS_REGION: string;
  readonly S3_FORCE_PATH_STYLE?: boolean;
  readonly XRAY_ENABLED?: boolean;
}

export interface AwsClients {
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly cloudwatch: CloudWatchClient;
  readonly secrets: SecretsManagerClient;
}

/** One command a client sent, and how it ended (`error` absent on success). */
export interface SentCommand {
  /** SDK client name, e.g. `SQSClient`. */
  readonly client: string;
  /** SDK command name, e.g. `SendMessageCommand`. */
  readonly command: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly error?: { readonly name: string; readonly httpStatusCode?: number };
}

/** Listeners told of every command sent by a client built or observed here. Empty unless someone subscribes. */
export const onCommand: Array<(sent: SentCommand) => void> = [];

/**
 * For a call made without send() (lib/storage.ts putPdf): returns the function that reports it to
 * the `onCommand` listeners when it ends, as observeCommands would have. A no-op for a client that
 * is not observed, and cheap when no one listens.
 */
export function reportCommand(
  client: unknown,
  clientName: string,
  command: string,
  input: Readonly<Record<string, unknown>>,
): (error?: SentCommand["error"]) => void {
  return (error) => {
    if (onCommand.length === 0 || !observed.has(client as object)) return;
    const sent = { client: clientName, command, input, error };
    for (const listener of onCommand) listener(sent);
  };
}

const observed = new WeakSet<object>();
const traced = new WeakSet<object>();

/** True for a client built by createAwsClients with X-Ray on. */
export const isTraced = (client: unknown): boolean => traced.has(client as object);

interface Observable {
  middlewareStack: { add(mw: never, options: { step: "initialize"; name: string }): void };
}

/** Reports each command `client` sends to the `onCommand` listeners; returns the client. */
export function observeCommands<T>(client: T): T {
  const mw =
    (next: (a: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) =>
    async (args: { input: Record<string, unknown> }) => {
      const tell = (error?: SentCommand["error"]) => {
        if (onCommand.length === 0) return;
        const sent = { client: context.clientName ?? "", command: context.commandName ?? "", input: args.input, error };
        for (const listener of onCommand) listener(sent);
      };
      try {
        const out = await next(args);
        tell();
        return out;
      } catch (err) {
        const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
        tell({ name: e.name ?? "Error", httpStatusCode: e.$metadata?.httpStatusCode });
        throw err;
      }
    };
  (client as Observable).middlewareStack.add(mw as never, { step: "initialize", name: "billMwOnCommand" });
  observed.add(client as object);
  return client;
}

type HashInput = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: HashInput): string | Uint8Array =>
  typeof data === "string"
    ? data
    : data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

/**
 * SHA-256 and HMAC-SHA256 for the clients' SigV4 signer (their `sha256` option), as the SDK's own
 * Node class does it but with a binary HMAC key handed to Node as a KeyObject: Node 24 takes a
 * Buffer key through a failed KeyObject check that costs 17-27 µs per HMAC (4-5 µs this way), and
 * every signed request makes two (cuts/s3-put.ts).
 */
export class Sha256 {
  readonly #secret: HashInput | undefined;
  #hash: Hash | Hmac;
  constructor(secret?: HashInput) {
    this.#secret = secret;
    this.#hash = this.#create();
  }
  update(data: HashInput): void {
    this.#hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    // A plain hash digests a copy, like the SDK's class, so digest() may be called again.
    const out = this.#secret === undefined ? (this.#hash as Hash).copy().digest() : this.#hash.digest();
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }
  reset(): void {
    this.#hash = this.#create();
  }
  #create(): Hash | Hmac {
    const secret = this.#secret;
    if (secret === undefined) return createHash("sha256");
    const key = bytes(secret);
    return createHmac("sha256", typeof key === "string" || key.byteLength === 0 ? key : createSecretKey(key));
  }
}

export function createAwsClients(config: AwsOptions): AwsClients {
  const region = config.AWS_REGION;
  const trace = config.XRAY_ENABLED === true;
  const client = <T>(c: T) => {
    const captured = captureAwsClient(observeCommands(c), trace);
    if (trace) traced.add(captured as object);
    return captured;
  };
  return {
    s3: client(new S3Client({ region, sha256: Sha256, forcePathStyle: config.S3_FORCE_PATH_STYLE === true })),
    sqs: client(new SQSClient({ region, sha256: Sha256 })),
    cloudwatch: client(new CloudWatchClient({ region, sha256: Sha256 })),
    secrets: client(new SecretsManagerClient({ region, sha256: Sha256 })),
  };
}

export function destroyAwsClients(clients: AwsClients): void {
  for (const c of Object.values(clients)) c.destroy();
}

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
