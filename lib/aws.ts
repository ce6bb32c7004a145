/**
 * AWS SDK clients. Endpoints come from the SDK's standard AWS_ENDPOINT_URL[_SERVICE] settings, so
 * the same code talks to AWS or to moto; only path-style S3 addressing needs a flag of ours.
 * X-Ray capture wraps each client when tracing is on. Every client built here reports each command
 * it sends to the `onCommand` listeners (lib/aws-observe.ts); lib/aws-signed.ts sends one call
 * without send()'s middleware. Both are re-exported here, so importers need only this file.
 */

import { createHash, createHmac, createSecretKey, type Hash, type Hmac } from "node:crypto";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import { markTraced, observeCommands } from "./aws-observe.ts";
import { captureAwsClient } from "./tracing.ts";

export { isTraced, observeCommands, onCommand, reportCommand, type SentCommand } from "./aws-observe.ts";
export { type SignedCall, sendSigned } from "./aws-signed.ts";

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
    return trace ? markTraced(captured) : captured;
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
