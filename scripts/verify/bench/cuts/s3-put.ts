import { parseArgs } from "node:util";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Sha256 } from "../../../../lib/aws.ts";
import { type PutPdfInput, putPdf } from "../../../../lib/storage.ts";
import { round } from "../stats.ts";
import { closedLoop } from "./closed-loop.ts";
import { cutBucket, cutStandIns } from "./cut-stand-ins.ts";

const { values } = parseArgs({
  options: {
    calls: { type: "string", default: "600" },
    connections: { type: "string", default: "16" },
    rounds: { type: "string", default: "2" },
  },
});
const calls = Number(values.calls);
const connections = Number(values.connections);
const standIns = await cutStandIns();
const s3 = new S3Client({ region: "us-east-1", endpoint: standIns.s3Url, forcePathStyle: true });
// lib/aws.ts createAwsClients builds its clients with this hash class for the signer.
const s3Keyed = new S3Client({ region: "us-east-1", endpoint: standIns.s3Url, forcePathStyle: true, sha256: Sha256 });
// The SDK's supported knobs for the same work: cached middleware, checksums only when required.
const s3Tuned = new S3Client({
  region: "us-east-1",
  endpoint: standIns.s3Url,
  forcePathStyle: true,
  cacheMiddleware: true,
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
});

/** putPdf as it was before this cut: PutObjectCommand through send(), our SHA-256 as checksum and payload hash. */
async function putViaSend(client: S3Client, input: PutPdfInput): Promise<void> {
  const command = new PutObjectCommand({
    Bucket: input.bucket,
    Key: input.key,
    Body: input.body,
    ContentType: "application/pdf",
    ContentLength: input.body.byteLength,
    ChecksumAlgorithm: "SHA256",
    ChecksumSHA256: Buffer.from(input.sha256, "hex").toString("base64"),
    ServerSideEncryption: "aws:kms",
    Metadata: { sha256: input.sha256 },
  });
  command.middlewareStack.add(
    (next) => async (args) => {
      (args.request as { headers: Record<string, string> }).headers["x-amz-content-sha256"] = input.sha256;
      return next(args);
    },
    { step: "build", name: "reusePayloadSha256" },
  );
  await client.send(command);
}

const results = new Map<string, { perSecond: number[]; cpuMs: number[]; userMs: number[] }>();
async function measure(label: string, op: (i: number) => Promise<unknown>): Promise<void> {
  const { seconds, cpu } = await closedLoop(connections, calls, 100, op);
  const r = results.get(label) ?? { perSecond: [], cpuMs: [], userMs: [] };
  r.perSecond.push(round(calls / seconds));
  r.cpuMs.push(round((cpu.user + cpu.system) / 1000 / calls, 3));
  r.userMs.push(round(cpu.user / 1000 / calls, 3));
  results.set(label, r);
}

try {
  const { bucket, body, sha256 } = await cutBucket(s3);
  for (let r = 0; r < Number(values.rounds); r++) {
    await measure("PutObject through send(), SDK defaults (CRC32 by the SDK)", (i) =>
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: `a${r}/${i}`, Body: body, ContentType: "application/pdf" })),
    );
    await measure("before: putPdf through send() (our SHA-256 as checksum and payload hash)", (i) =>
      putViaSend(s3, { bucket, key: `b${r}/${i}`, body, sha256 }),
    );
    await measure("the same, cacheMiddleware + checksums WHEN_REQUIRED", (i) =>
      putViaSend(s3Tuned, { bucket, key: `c${r}/${i}`, body, sha256 }),
    );
    await measure("after: putPdf (signed PUT through the client's handler)", (i) =>
      putPdf(s3, { bucket, key: `d${r}/${i}`, body, sha256 }),
    );
    await measure("after: putPdf, signer HMAC keys as KeyObjects (lib/aws.ts Sha256)", (i) =>
      putPdf(s3Keyed, { bucket, key: `e${r}/${i}`, body, sha256 }),
    );
  }
} finally {
  s3.destroy();
  s3Keyed.destroy();
  s3Tuned.destroy();
  await standIns.stop();
}
console.log(
  JSON.stringify({ calls, connections, bodyBytes: 100 * 1024, results: Object.fromEntries(results) }, null, 2),
);
