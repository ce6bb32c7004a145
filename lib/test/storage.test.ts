import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import {
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { type HttpRequest, HttpResponse } from "@smithy/core/protocols";
import t from "tap";
import { observeCommands, onCommand, type SentCommand } from "../aws.ts";
import { copyObject, getPdfStream, markStoredOnce, putPdf, STORED_ONCE_TAG } from "../storage.ts";
import { setupTestEnv } from "../testing/harness.ts";

type Handle = (request: HttpRequest) => Promise<{ response: HttpResponse }>;

/** Wraps the client's own HTTP handler (what putPdf sends through): each request as signed, then `answer`. */
function onTheWire(s3: S3Client, answer?: (request: HttpRequest, n: number) => HttpResponse | Error) {
  const sent: HttpRequest[] = [];
  const handler = s3.config.requestHandler as unknown as { handle: Handle };
  const real = handler.handle.bind(handler);
  handler.handle = async (request) => {
    sent.push(request);
    if (!answer) return real(request);
    const out = answer(request, sent.length);
    if (out instanceof Error) throw out;
    return { response: out };
  };
  return sent;
}

const reply = (statusCode: number, headers: Record<string, string> = {}, body = "") =>
  new HttpResponse({ statusCode, headers, body: Readable.from([Buffer.from(body)]) });
const s3ErrorXml = (code: string) => `<?xml version="1.0"?><Error><Code>${code}</Code><Message>m</Message></Error>`;

/** A client that sends nowhere: every request is answered by `answer`. */
function offline(
  t: { teardown(fn: () => void): void },
  answer: (request: HttpRequest, n: number) => HttpResponse | Error,
  region = "us-east-1",
) {
  const s3 = new S3Client({
    region,
    forcePathStyle: true,
    endpoint: "http://127.0.0.1:9",
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" },
  });
  t.teardown(() => s3.destroy());
  return { s3, sent: onTheWire(s3, answer) };
}

const pdf = new Uint8Array(Buffer.from("%PDF-1.7 body"));
const pdfSha = createHash("sha256").update(pdf).digest("hex");

t.test("putPdf stores the bytes with their SHA-256 and reuses that hash for signing", async (t) => {
  const env = await setupTestEnv(t);
  const body = new Uint8Array(Buffer.from(`%PDF-1.7\n${"x".repeat(200_000)}\n%%EOF`));
  const sha256 = createHash("sha256").update(body).digest("hex");

  // The endpoint comes from the SDK's standard settings (AWS_ENDPOINT_URL here: moto).
  const s3 = new S3Client({ region: "us-east-1", forcePathStyle: true });
  t.teardown(() => s3.destroy());
  const sent = onTheWire(s3);

  const { versionId } = await putPdf(s3, { bucket: env.incomingBucket, key: "bills/a/b.pdf", body, sha256 });
  t.ok(versionId, "versioned bucket returns the version of the new object");
  const put = sent.at(-1)?.headers ?? {};
  t.equal(put["x-amz-content-sha256"], sha256, "SigV4 payload hash is the hash the caller computed");
  t.equal(put["x-amz-checksum-sha256"], Buffer.from(sha256, "hex").toString("base64"), "S3 gets the SHA-256 to verify");
  t.notOk(put["x-amz-checksum-crc32"], "no second checksum pass (CRC32) over the body");
  t.match(put.authorization ?? "", /^AWS4-HMAC-SHA256 Credential=\S+\/us-east-1\/s3\/aws4_request/);

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

t.test("a key with spaces, unicode and reserved characters lands under exactly that key", async (t) => {
  const env = await setupTestEnv(t);
  const key = "bills/NS 1+2/ü&=?#%/Faktura (1).pdf";
  await putPdf(env.s3, { bucket: env.incomingBucket, key, body: pdf, sha256: pdfSha });
  const stored = await getPdfStream(env.s3, env.incomingBucket, key);
  t.equal(stored.sha256, pdfSha);
  // Read to the end before teardown removes the bucket (a half-read body was reset: ECONNRESET).
  await finished(stored.stream.resume());
});

t.test("the signer takes the payload hash from putPdf instead of hashing the body again", async (t) => {
  // A hash that is NOT the body's: if the signer hashed the body itself, the signed header would differ.
  const claimed = createHash("sha256").update("something else").digest("hex");
  const { s3, sent } = offline(t, () => reply(200, { "x-amz-version-id": "v1" }));
  const out = await putPdf(s3, { bucket: "bucket-x", key: "k.pdf", body: pdf, sha256: claimed, kmsKeyId: "kms-1" });
  t.equal(out.versionId, "v1");
  const h = sent[0]?.headers ?? {};
  t.equal(h["x-amz-content-sha256"], claimed);
  t.match(h.authorization ?? "", /x-amz-content-sha256/, "the payload hash header is part of the signature");
  t.equal(h["x-amz-server-side-encryption"], "aws:kms");
  t.equal(h["x-amz-server-side-encryption-aws-kms-key-id"], "kms-1");
  t.equal(h["x-amz-meta-sha256"], claimed);
  t.equal(sent[0]?.path, "/bucket-x/k.pdf");
});

t.test("the endpoint comes from the client's own rules: virtual-hosted style on AWS", async (t) => {
  const s3 = new S3Client({
    region: "eu-west-1",
    ignoreConfiguredEndpointUrls: true,
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" },
  });
  t.teardown(() => s3.destroy());
  const sent = onTheWire(s3, () => reply(200));
  await putPdf(s3, { bucket: "bills-incoming", key: "a b/c.pdf", body: pdf, sha256: pdfSha });
  t.equal(sent[0]?.protocol, "https:");
  t.equal(sent[0]?.hostname, "bills-incoming.s3.eu-west-1.amazonaws.com");
  t.equal(sent[0]?.path, "/a%20b/c.pdf");
  t.match(sent[0]?.headers.authorization ?? "", /\/eu-west-1\/s3\/aws4_request/);
});

t.test("5xx, throttling and network errors are retried with the client's retry strategy", async (t) => {
  const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
  const answers = [reply(503, {}, s3ErrorXml("SlowDown")), reset, reply(200, { "x-amz-version-id": "v3" })];
  const { s3, sent } = offline(t, (_r, n) => answers[n - 1]!);
  const out = await putPdf(s3, { bucket: "b", key: "k.pdf", body: pdf, sha256: pdfSha });
  t.equal(out.versionId, "v3");
  t.equal(sent.length, 3);
  t.same(
    sent.map((r) => r.headers["amz-sdk-request"]),
    ["attempt=1; max=3", "attempt=2; max=3", "attempt=3; max=3"],
  );
  t.not(sent[0]?.headers.authorization, undefined, "each attempt is signed");
});

t.test("after the client's maxAttempts, the last error is thrown in the SDK's shape", async (t) => {
  const { s3, sent } = offline(t, () => reply(500, { "x-amz-request-id": "r1" }, s3ErrorXml("InternalError")));
  const err = (await putPdf(s3, { bucket: "b", key: "k.pdf", body: pdf, sha256: pdfSha }).catch(
    (e) => e,
  )) as S3ServiceException;
  t.equal(sent.length, 3);
  t.type(err, S3ServiceException);
  t.equal(err.name, "InternalError");
  t.equal(err.$fault, "server");
  t.match(err.$metadata, { httpStatusCode: 500, requestId: "r1", attempts: 3 });
});

t.test("a client error (403) is not retried", async (t) => {
  const { s3, sent } = offline(t, () => reply(403, {}, s3ErrorXml("AccessDenied")));
  const err = (await putPdf(s3, { bucket: "b", key: "k.pdf", body: pdf, sha256: pdfSha }).catch(
    (e) => e,
  )) as S3ServiceException;
  t.equal(sent.length, 1);
  t.equal(err.name, "AccessDenied");
  t.match(err.$metadata, { httpStatusCode: 403, attempts: 1 });
});

t.test("a skewed clock is corrected from S3's Date header and the put retried", async (t) => {
  const serverNow = Date.now() + 30 * 60_000;
  const { s3, sent } = offline(t, (_r, n) =>
    n === 1 ? reply(403, { date: new Date(serverNow).toUTCString() }, s3ErrorXml("RequestTimeTooSkewed")) : reply(200),
  );
  await putPdf(s3, { bucket: "b", key: "k.pdf", body: pdf, sha256: pdfSha });
  t.equal(sent.length, 2);
  const signedAt = (r: HttpRequest | undefined) => {
    const d = r?.headers["x-amz-date"] ?? "";
    return Date.parse(
      `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`,
    );
  };
  t.ok(Math.abs(signedAt(sent[1]) - serverNow) < 120_000, "second attempt signed at the server's time");
});

t.test("putPdf is reported to onCommand listeners like a call through send()", async (t) => {
  const seen: SentCommand[] = [];
  const listen = (s: SentCommand) => seen.push(s);
  onCommand.push(listen);
  t.teardown(() => void onCommand.splice(onCommand.indexOf(listen), 1));
  const { s3 } = offline(t, (_r, n) => (n === 1 ? reply(200) : reply(403, {}, s3ErrorXml("AccessDenied"))));
  observeCommands(s3);
  await putPdf(s3, { bucket: "b", key: "k.pdf", body: pdf, sha256: pdfSha });
  await t.rejects(putPdf(s3, { bucket: "b", key: "k2.pdf", body: pdf, sha256: pdfSha }));
  t.match(seen, [
    { client: "S3Client", command: "PutObjectCommand", input: { Bucket: "b", Key: "k.pdf" }, error: undefined },
    {
      client: "S3Client",
      command: "PutObjectCommand",
      input: { Key: "k2.pdf" },
      error: { name: "AccessDenied", httpStatusCode: 403 },
    },
  ]);
});

t.test("store once: the copied incoming object is tagged stored-once=delivered, in place, copy untagged", async (t) => {
  const env = await setupTestEnv(t);
  const key = "bills/NS 7/Faktura (1).pdf";
  const { versionId } = await putPdf(env.s3, { bucket: env.incomingBucket, key, body: pdf, sha256: pdfSha });
  const incoming = { bucket: env.incomingBucket, key };
  const tags = async (bucket: string) =>
    (await env.s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }))).TagSet ?? [];
  t.same(await tags(env.incomingBucket), [], "untagged until delivered: only the backstop applies");

  await copyObject(env.s3, incoming, { bucket: env.processedBucket, key });
  await markStoredOnce(env.s3, incoming);
  t.same(await tags(env.incomingBucket), [{ Key: STORED_ONCE_TAG.key, Value: STORED_ONCE_TAG.value }]);
  t.same(STORED_ONCE_TAG, { key: "stored-once", value: "delivered" }, "the lifecycle rule's filter (infra)");
  // The tag lands on the version the copy read: no new version, so the rule expires that one.
  const versions = await env.s3.send(new ListObjectVersionsCommand({ Bucket: env.incomingBucket, Prefix: key }));
  t.same(
    versions.Versions?.map((v) => v.VersionId),
    [versionId],
  );
  t.same(await tags(env.processedBucket), [], "the processed copy does not carry it (the rule is incoming's only)");
  const head = await env.s3.send(new HeadObjectCommand({ Bucket: env.processedBucket, Key: key }));
  t.equal(head.ContentLength, pdf.byteLength, "the copy exists before its source is marked");
});
