/**
 * PDF objects in S3. The service computes SHA-256 once and hands it to S3 as the object's
 * checksum (S3 verifies it; we skip the SDK's own CRC32 pass), encrypted with KMS.
 *
 * putPdf is on every accepted bill, so it skips the SDK's per-command middleware stack (endpoint
 * rules, schema serialization, flexible checksums, XML deserialization: ~0.6-1.0 ms of CPU per
 * 100 KiB put, scripts/verify/bench/cuts/s3-put.ts) through lib/aws.ts sendSigned, which keeps
 * every part of the client that decides what goes on the wire: the endpoint from the client's own
 * rules (AWS_ENDPOINT_URL_S3, forcePathStyle, region; resolved once per bucket), its signer and
 * credential chain, clock-skew correction, retry strategy and HTTP handler. The other S3 calls go
 * through send().
 */

import type { Readable } from "node:stream";
import {
  CopyObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { extendedEncodeURIComponent, HttpRequest } from "@smithy/core/protocols";
import { sendSigned } from "./aws.ts";

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

function putRequest(
  ep: { readonly url: URL; readonly basePath: string },
  input: PutPdfInput,
  expectContinue: unknown,
): HttpRequest {
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

/** An S3 error answer in the SDK's shape (name = S3's code, $fault, $metadata), so retry rules and callers read it alike. */
function s3Error(status: number, headers: Record<string, string>, body: Uint8Array): S3ServiceException {
  const xml = Buffer.from(body).toString("utf8");
  const pick = (tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
  const name = pick("Code") ?? (status >= 500 ? "ServiceUnavailable" : `Http${status}`);
  return new S3ServiceException({
    name,
    $fault: status >= 500 ? "server" : "client",
    message: pick("Message") ?? name,
    $metadata: {
      httpStatusCode: status,
      requestId: headers["x-amz-request-id"],
      extendedRequestId: headers["x-amz-id-2"],
    },
  });
}

/**
 * Returns the new object version (versioned buckets), so a caller can remove exactly what it wrote,
 * and the attempts made: after a 2xx on the first attempt nothing reads `body` any more (S3 answers
 * only once it has every byte), so the caller may reuse it; after a retry, an earlier attempt's
 * socket may not have let go of it.
 */
export function putPdf(s3: S3Client, input: PutPdfInput): Promise<{ versionId: string | undefined; attempts: number }> {
  return sendSigned(s3, {
    clientName: "S3Client",
    command: "PutObjectCommand",
    input: {
      Bucket: input.bucket,
      Key: input.key,
      ServerSideEncryption: "aws:kms",
      SSEKMSKeyId: input.kmsKeyId,
      ChecksumAlgorithm: "SHA256",
    },
    endpointCommand: PutObjectCommand,
    endpointInput: { Bucket: input.bucket, Key: "k" },
    endpointKey: input.bucket,
    request: (ep) => putRequest(ep, input, s3.config.expectContinueHeader),
    result: (headers, _body, attempts) => ({ versionId: headers["x-amz-version-id"], attempts }),
    error: s3Error,
    traceFields: { bucket_name: input.bucket, key: input.key },
  });
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
 * to processed (Object Lock). It does not delete the incoming object; it marks it (markStoredOnce)
 * and the incoming bucket's lifecycle expires it (infra/src/constructs/secure-bucket.ts
 * INCOMING_LIFECYCLE, docs/adr/0009-store-once-by-tag.md).
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

/** The tag that tells the incoming bucket's lifecycle a PDF's copy in processed exists (INCOMING_LIFECYCLE). */
export const STORED_ONCE_TAG = { key: "stored-once", value: "delivered" } as const;

/**
 * Tags the current version of an incoming PDF `stored-once=delivered`, after its copy to processed
 * and the row's success: the lifecycle then expires it within a day or two instead of the 400-day
 * backstop. It replaces the object's tag set (incoming objects carry no other tags).
 */
export async function markStoredOnce(s3: S3Client, object: { bucket: string; key: string }): Promise<void> {
  await s3.send(
    new PutObjectTaggingCommand({
      Bucket: object.bucket,
      Key: object.key,
      Tagging: { TagSet: [{ Key: STORED_ONCE_TAG.key, Value: STORED_ONCE_TAG.value }] },
    }),
  );
}
