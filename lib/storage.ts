/**
 * PDF objects in S3. The service computes SHA-256 once and hands it to S3 as the object's
 * checksum (S3 verifies it; we skip the SDK's own CRC32 pass), encrypted with KMS.
 */

import type { Readable } from "node:stream";
import { CopyObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";

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

/**
 * SigV4 signs the payload hash; by default the SDK hashes the body again to get it. The signer
 * uses an x-amz-content-sha256 header when one is present, so we hand it the hash we already have.
 */
const PAYLOAD_HASH_HEADER = "x-amz-content-sha256";

/** Returns the new object version (versioned buckets), so a caller can remove exactly what it wrote. */
export async function putPdf(s3: S3Client, input: PutPdfInput): Promise<{ versionId: string | undefined }> {
  const command = new PutObjectCommand({
    Bucket: input.bucket,
    Key: input.key,
    Body: input.body,
    ContentType: "application/pdf",
    ContentLength: input.body.byteLength,
    ChecksumAlgorithm: "SHA256",
    ChecksumSHA256: hexToBase64(input.sha256),
    ServerSideEncryption: "aws:kms",
    SSEKMSKeyId: input.kmsKeyId,
    Metadata: { sha256: input.sha256, ...input.metadata },
  });
  command.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) request.headers[PAYLOAD_HASH_HEADER] = input.sha256;
      return next(args);
    },
    { step: "build", name: "reusePayloadSha256" },
  );
  const out = await s3.send(command);
  return { versionId: out.VersionId };
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
