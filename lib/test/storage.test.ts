import { createHash } from "node:crypto";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import t from "tap";
import { getPdfStream, putPdf } from "../storage.ts";
import { setupTestEnv } from "../testing/harness.ts";

t.test("putPdf stores the bytes with their SHA-256 and reuses that hash for signing", async (t) => {
  const env = await setupTestEnv(t);
  const body = new Uint8Array(Buffer.from(`%PDF-1.7\n${"x".repeat(200_000)}\n%%EOF`));
  const sha256 = createHash("sha256").update(body).digest("hex");

  // Observe what goes on the wire: the S3 client's own request handler, wrapped.
  const sent: Record<string, string>[] = [];
  const s3 = new S3Client({ region: "us-east-1", forcePathStyle: true });
  t.teardown(() => s3.destroy());
  s3.middlewareStack.add(
    (next) => async (args) => {
      sent.push({ ...(args.request as { headers: Record<string, string> }).headers });
      return next(args);
    },
    { step: "finalizeRequest", priority: "low", name: "captureHeaders" },
  );

  const { versionId } = await putPdf(s3, { bucket: env.incomingBucket, key: "bills/a/b.pdf", body, sha256 });
  t.ok(versionId, "versioned bucket returns the version of the new object");
  const put = sent.at(-1) ?? {};
  t.equal(put["x-amz-content-sha256"], sha256, "SigV4 payload hash is the hash the caller computed");
  t.equal(put["x-amz-checksum-sha256"], Buffer.from(sha256, "hex").toString("base64"), "S3 gets the SHA-256 to verify");
  t.notOk(put["x-amz-checksum-crc32"], "no second checksum pass (CRC32) over the body");

  const stored = await getPdfStream(env.s3, env.incomingBucket, "bills/a/b.pdf");
  t.equal(stored.sha256, sha256, "hash kept as object metadata");
  const chunks: Buffer[] = [];
  for await (const c of stored.stream) chunks.push(c as Buffer);
  t.equal(createHash("sha256").update(Buffer.concat(chunks)).digest("hex"), sha256, "bytes round-trip exactly");

  const head = await env.s3.send(
    new GetObjectCommand({ Bucket: env.incomingBucket, Key: "bills/a/b.pdf", ChecksumMode: "ENABLED" }),
  );
  t.equal(head.ChecksumSHA256, Buffer.from(sha256, "hex").toString("base64"), "S3 stored the SHA-256 checksum");
  t.equal(head.ServerSideEncryption, "aws:kms");
  await head.Body?.transformToByteArray();
});

t.test("the signer takes the payload hash from putPdf instead of hashing the body again", async (t) => {
  // A hash that is NOT the body's: if the SDK hashed the body itself, the signed header would differ.
  const body = new Uint8Array(Buffer.from("%PDF-1.7 body"));
  const claimed = createHash("sha256").update("something else").digest("hex");
  const s3 = new S3Client({ region: "us-east-1", forcePathStyle: true, endpoint: "http://127.0.0.1:9" });
  t.teardown(() => s3.destroy());
  let signed: Record<string, string> = {};
  // Deserialize runs after signing; answer here so nothing is sent.
  s3.middlewareStack.add(
    () => async (args) => {
      signed = { ...(args.request as { headers: Record<string, string> }).headers };
      return { output: { $metadata: {} }, response: {} } as never;
    },
    { step: "deserialize", priority: "high", name: "captureSigned" },
  );
  await putPdf(s3, { bucket: "bucket-x", key: "k.pdf", body, sha256: claimed });
  t.equal(signed["x-amz-content-sha256"], claimed);
  t.match(signed.authorization ?? "", /x-amz-content-sha256/, "the payload hash header is part of the signature");
});
