/**
 * What SigV4 signing of one S3 PUT costs with the SDK's own hash class and with lib/aws.ts Sha256
 * (binary HMAC keys as KeyObjects), no network: CPU per signature, median of 5 rounds, signed at
 * stack depth 0 and 40 (Node 24's failed KeyObject check on a Buffer key builds an error whose cost
 * grows with the stack, and the service signs deep inside Fastify and promise chains).
 *   node scripts/verify/bench/cuts/sign.ts
 */
import { Sha256Node } from "@smithy/core/checksum";
import { HttpRequest } from "@smithy/core/protocols";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "../../../../lib/aws.ts";
import { median, round } from "../stats.ts";

const N = 4000;
const signer = (sha256: unknown) =>
  new SignatureV4({
    service: "s3",
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
    sha256: sha256 as never,
    uriEscapePath: false,
  });
const request = () =>
  new HttpRequest({
    method: "PUT",
    hostname: "127.0.0.1",
    port: 9000,
    path: "/bills-incoming/bills/NS-1/0f3a/NS-1.pdf",
    headers: {
      host: "127.0.0.1:9000",
      "content-type": "application/pdf",
      "content-length": "102400",
      "x-amz-content-sha256": "0f3a".repeat(16),
      "x-amz-checksum-sha256": "DzrNbL0QzLzM1eYdJ8sS7vUK0lQjq9r6a3n0m3f3c8E=",
      "x-amz-server-side-encryption": "aws:kms",
      "x-amz-meta-sha256": "0f3a".repeat(16),
    },
  });
const deep = <T>(depth: number, fn: () => T): T => (depth === 0 ? fn() : deep(depth - 1, fn));

async function cpuMs(s: SignatureV4, depth: number): Promise<number> {
  const rounds: number[] = [];
  for (let r = 0; r < 5; r += 1) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < N; i += 1) await deep(depth, () => s.sign(request()));
    const used = process.cpuUsage(t0);
    rounds.push((used.user + used.system) / 1000 / N);
  }
  return round(median(rounds), 4);
}

const sdk = signer(Sha256Node);
const ours = signer(Sha256);
const at = new Date();
const a = await sdk.sign(request(), { signingDate: at });
const b = await ours.sign(request(), { signingDate: at });
if (a.headers.authorization !== b.headers.authorization) throw new Error("the two hash classes sign differently");
const out: Record<string, number> = {};
for (const depth of [0, 40]) {
  out[`sdkHashMs_depth${depth}`] = await cpuMs(sdk, depth);
  out[`keyObjectHashMs_depth${depth}`] = await cpuMs(ours, depth);
}
console.log(JSON.stringify(out, null, 2));
