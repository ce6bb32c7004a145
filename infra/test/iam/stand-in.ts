/**
 * A moto server of this test file's own, with IAM enforcement switched on after the bootstrap
 * (moto docs/docs/iam.rst, INITIAL_NO_AUTH_ACTION_COUNT; the shared moto of `npm test` stays
 * permissive). Once enforced, moto checks every request's SigV4 signature against the access keys
 * it issued and each action against the caller's IAM policies: S3 object and SQS queue ARNs are
 * judged, other services see the resource as "*" (infra/README.md "What the stand-in does not judge").
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { freePort } from "../../../lib/testing/free-port.ts";

const MOTO = fileURLToPath(new URL("../../../.tools/venv/bin/moto_server", import.meta.url));
export const ACCOUNT_ID = "123456789012";
export const REGION = "us-east-1";

export interface AccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface StandIn {
  readonly url: string;
  /** From now on every request is authenticated and authorized. */
  enforce(): Promise<void>;
  /** IAM user `name` with exactly `documents` as its inline policies; returns its access key. */
  createUser(name: string, documents: readonly string[]): Promise<AccessKey>;
  /** IAM role (Lambda's CreateFunction needs one that exists). */
  createRole(name: string, trustPolicy: string): Promise<string>;
  stop(): Promise<void>;
}

/** A Query-protocol IAM call; before enforcement moto reads only the credential scope. */
async function iam(url: string, params: Record<string, string>): Promise<string> {
  const res = await fetch(`${url}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `AWS4-HMAC-SHA256 Credential=bootstrap/20260101/${REGION}/iam/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: new URLSearchParams({ Version: "2010-05-08", ...params }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`IAM ${params.Action} failed: ${res.status} ${text.slice(0, 300)}`);
  return text;
}

const xmlField = (xml: string, name: string): string => {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  if (!m) throw new Error(`no <${name}> in ${xml.slice(0, 200)}`);
  return m[1]!;
};

async function waitReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) throw new Error(`moto exited: ${log()}`);
    const ok = await fetch(`${url}/moto-api/`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto did not start: ${log()}`);
}

export async function startStandIn(): Promise<StandIn> {
  const port = await freePort();
  const child = spawn(MOTO, ["-H", "127.0.0.1", "-p", String(port)], {
    env: { PATH: process.env.PATH, MOTO_ACCOUNT_ID: ACCOUNT_ID },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr?.on("data", (d) => {
    log = (log + String(d)).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, child, () => log);
  return {
    url,
    async enforce() {
      const res = await fetch(`${url}/moto-api/reset-auth`, { method: "POST", body: "0" });
      if (!res.ok) throw new Error(`reset-auth: ${res.status}`);
    },
    async createUser(name, documents) {
      await iam(url, { Action: "CreateUser", UserName: name });
      for (const [i, doc] of documents.entries()) {
        await iam(url, { Action: "PutUserPolicy", UserName: name, PolicyName: `p${i}`, PolicyDocument: doc });
      }
      const key = await iam(url, { Action: "CreateAccessKey", UserName: name });
      return { accessKeyId: xmlField(key, "AccessKeyId"), secretAccessKey: xmlField(key, "SecretAccessKey") };
    },
    async createRole(name, trustPolicy) {
      const out = await iam(url, { Action: "CreateRole", RoleName: name, AssumeRolePolicyDocument: trustPolicy });
      return xmlField(out, "Arn");
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await once(child, "exit");
      }
    },
  };
}
