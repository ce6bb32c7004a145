/**
 * AWS SDK clients. Endpoints come from the SDK's standard AWS_ENDPOINT_URL[_SERVICE] settings, so
 * the same code talks to AWS or to moto; only path-style S3 addressing needs a flag of ours.
 * X-Ray capture wraps each client when tracing is on. Every client built here reports each command
 * it sends to the `onCommand` listeners (none by default): the permission audit in infra/test/iam
 * checks them against each process's action list (lib/aws-actions.ts).
 */

import { createHash, createHmac, createSecretKey, type Hash, type Hmac } from "node:crypto";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import { captureAwsClient } from "./tracing.ts";

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
