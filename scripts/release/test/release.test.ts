import { execFile } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { StartInstanceRefreshCommand } from "@aws-sdk/client-auto-scaling";
import { CreateFunctionCommand, GetFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { unzipSync, zipSync } from "fflate";
import t from "tap";
import { OPS_COMMANDS, releaseArtifactKey, resourceNames } from "../../../lib/naming.ts";
import { setupTestEnv } from "../../../lib/testing/harness.ts";
import { buildBundle, ENTRY_POINTS, release } from "../release.ts";

// Real moto for S3, SSM and Lambda (AWS_ENDPOINT_URL from `npm test`). moto has no
// StartInstanceRefresh, so the Auto Scaling client is a recording stand-in.
const region = process.env.AWS_REGION ?? "us-east-1";
const endpoint = String(process.env.AWS_ENDPOINT_URL);
const s3 = new S3Client({ region, forcePathStyle: true });
const ssm = new SSMClient({ region });
const lambda = new LambdaClient({ region });
t.teardown(() => {
  for (const c of [s3, ssm, lambda]) c.destroy();
});

const refreshes: StartInstanceRefreshCommand[] = [];
const autoscaling = {
  async send(command: unknown) {
    if (!(command instanceof StartInstanceRefreshCommand)) throw new Error("unexpected Auto Scaling call");
    refreshes.push(command);
    return { InstanceRefreshId: `refresh-${refreshes.length}` };
  },
};

const bundle = await buildBundle("1.2.3");

t.test("the bundle holds the service, the worker and both Lambda handlers, and they load", async (t) => {
  const files = unzipSync(bundle);
  for (const name of Object.keys(ENTRY_POINTS)) {
    t.ok(files[`${name}.mjs`], `${name}.mjs`);
    t.ok(files[`${name}.mjs.map`], `${name}.mjs.map`);
  }
  t.equal(new TextDecoder().decode(files.RELEASE), "1.2.3\n");
  const dir = mkdtempSync(join(tmpdir(), "bill-mw-release-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const name of ["lambda", "secret-rotation"]) {
    writeFileSync(join(dir, `${name}.mjs`), files[`${name}.mjs`]!);
    const mod = (await import(pathToFileURL(join(dir, `${name}.mjs`)).href)) as { handler?: unknown };
    t.equal(typeof mod.handler, "function", `${name}.handler is exported`);
  }
});

t.test("the on-call commands are in the bundle as ops/<command>.mjs and run from it", async (t) => {
  const files = unzipSync(bundle);
  const dir = mkdtempSync(join(tmpdir(), "bill-mw-release-ops-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  for (const command of OPS_COMMANDS) t.ok(files[`ops/${command}.mjs`], `ops/${command}.mjs (bill-mw-ops ${command})`);

  // As bill-mw-ops runs them on an instance: node on the bundled file, settings from the environment.
  const { env } = await setupTestEnv(t);
  const node = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, args, { cwd: dir, env: { PATH: process.env.PATH, ...env } }, (err, stdout, stderr) =>
        resolve({ code: (err as { code?: number } | null)?.code ?? 0, stdout, stderr }),
      );
    });
  const list = await node(["ops/failed-bills.mjs", "list", "--json"]);
  t.equal(list.code, 0, list.stderr);
  t.same(JSON.parse(list.stdout), [], "failed-bills list reads the real database");
  const partitions = await node(["ops/partitions.mjs", "list", "--json"]);
  t.equal(partitions.code, 0, partitions.stderr);
  t.ok((JSON.parse(partitions.stdout) as unknown[]).length > 0, "partitions list reads the catalog");
  const diff = await node(["ops/heap-diff.mjs"]);
  t.equal(diff.code, 2);
  t.match(diff.stderr, /usage: heap-diff/);
});

/** IAM role for moto's CreateFunction, via IAM's query API (no IAM client in the project). */
async function createRole(name: string): Promise<string> {
  const body = new URLSearchParams({
    Action: "CreateRole",
    Version: "2010-05-08",
    RoleName: name,
    AssumeRolePolicyDocument: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
  });
  const res = await fetch(endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${region}/iam/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body,
  });
  const text = await res.text();
  const arn = /<Arn>([^<]+)<\/Arn>/.exec(text)?.[1];
  if (!res.ok || !arn) throw new Error(`CreateRole failed: ${res.status}`);
  return arn;
}

/** The burst and rotation Lambdas the release points at the bundle (placeholders, as a new stack has). */
async function createFunctions(names: ReturnType<typeof resourceNames>): Promise<void> {
  const role = await createRole(`${names.burstFunction}-role`);
  const placeholder = zipSync({ "index.mjs": new TextEncoder().encode("export const handler = () => {};") });
  for (const fn of [names.burstFunction, names.secretRotationFunction]) {
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: fn,
        Role: role,
        Runtime: "nodejs22.x",
        Handler: "index.handler",
        Code: { ZipFile: placeholder },
      }),
    );
  }
}

t.test("release uploads the bundle, points the Lambdas at it, records the version, refreshes the fleet", async (t) => {
  const names = resourceNames(`rel${randomUUID().slice(0, 8)}`, "123456789012");
  await s3.send(new CreateBucketCommand({ Bucket: names.artifactsBucket }));
  await createFunctions(names);
  const clients = { s3, ssm, lambda, autoscaling };
  let builds = 0;
  const build = async () => {
    builds += 1;
    return bundle;
  };

  const before = refreshes.length;
  const first = await release(clients, names, "1.2.3", { bundle: build, fleet: "two-tier" });
  t.same(
    first.instanceRefreshes,
    [
      { group: names.autoScalingGroup, id: `refresh-${before + 1}` },
      { group: names.workerAutoScalingGroup, id: `refresh-${before + 2}` },
    ],
    "both tiers are refreshed: the ingest group and the worker group",
  );
  t.match(first, { version: "1.2.3", uploaded: true });
  const stored = await s3.send(
    new GetObjectCommand({ Bucket: names.artifactsBucket, Key: releaseArtifactKey("1.2.3") }),
  );
  t.same(Buffer.from(await stored.Body!.transformToByteArray()), Buffer.from(bundle), "the bundle is in the bucket");
  const param = await ssm.send(new GetParameterCommand({ Name: names.releaseParameter }));
  const hex = createHash("sha256").update(bundle).digest("hex");
  t.equal(param.Parameter?.Value, `1.2.3@sha256:${hex}`, "the version is recorded with its bundle's SHA-256");
  t.equal(first.sha256, hex);
  const sha = createHash("sha256").update(bundle).digest("base64");
  for (const fn of [names.burstFunction, names.secretRotationFunction]) {
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: fn }));
    t.equal(got.Configuration?.CodeSha256, sha, `${fn} runs the released bundle`);
  }
  t.equal(names.workerAutoScalingGroup, `${names.autoScalingGroup.replace(/-app$/, "")}-worker`);
  for (const [i, group] of [names.autoScalingGroup, names.workerAutoScalingGroup].entries()) {
    t.match(refreshes[before + i]!.input, {
      AutoScalingGroupName: group,
      Strategy: "Rolling",
      Preferences: { MinHealthyPercentage: 90, SkipMatching: false },
    });
  }

  await release(clients, names, "1.2.4", { bundle: build, fleet: "two-tier" });
  t.equal(builds, 2);
  const back = await release(clients, names, "1.2.3", { bundle: build, fleet: "two-tier" });
  t.equal(back.uploaded, false, "rolling back reuses the stored bundle");
  t.equal(builds, 2, "and does not rebuild");
  t.equal(
    (await ssm.send(new GetParameterCommand({ Name: names.releaseParameter }))).Parameter?.Value,
    `1.2.3@sha256:${hex}`,
    "a rollback records the stored bundle's SHA-256 (from the metadata the upload wrote)",
  );
  t.equal(refreshes.length, before + 6, "every release, rollbacks included, refreshes both tiers");

  // A bundle uploaded without its SHA-256 (before boot-time checks) is refused, and nothing changes.
  await s3.send(
    new PutObjectCommand({ Bucket: names.artifactsBucket, Key: releaseArtifactKey("0.9.0"), Body: bundle }),
  );
  await t.rejects(release(clients, names, "0.9.0", { bundle: build, fleet: "two-tier" }), /has no sha256 metadata/);
  t.equal(
    (await ssm.send(new GetParameterCommand({ Name: names.releaseParameter }))).Parameter?.Value,
    `1.2.3@sha256:${hex}`,
    "the refused release recorded nothing",
  );
});

t.test("a single-tier fleet refreshes its one group, nothing named -worker", async (t) => {
  const names = resourceNames(`rel${randomUUID().slice(0, 8)}`, "123456789012");
  await s3.send(new CreateBucketCommand({ Bucket: names.artifactsBucket }));
  await createFunctions(names);
  const before = refreshes.length;
  const result = await release({ s3, ssm, lambda, autoscaling }, names, "2.0.0", {
    bundle: async () => bundle,
    fleet: "single-tier",
  });
  t.same(result.instanceRefreshes, [{ group: names.autoScalingGroup, id: `refresh-${before + 1}` }]);
  t.same(
    refreshes.slice(before).map((c) => c.input.AutoScalingGroupName),
    [names.autoScalingGroup],
  );
});

t.test("a refresh that fails to start fails the release, and the next tier is not started", async (t) => {
  const names = resourceNames(`rel${randomUUID().slice(0, 8)}`, "123456789012");
  await s3.send(new CreateBucketCommand({ Bucket: names.artifactsBucket }));
  await createFunctions(names);
  const tried: string[] = [];
  const refusing = {
    async send(command: unknown) {
      const input = (command as StartInstanceRefreshCommand).input;
      tried.push(String(input.AutoScalingGroupName));
      throw new Error("InstanceRefreshInProgress");
    },
  };
  await t.rejects(
    release({ s3, ssm, lambda, autoscaling: refusing }, names, "3.0.0", {
      bundle: async () => bundle,
      fleet: "two-tier",
    }),
    /InstanceRefreshInProgress/,
  );
  t.same(tried, [names.autoScalingGroup], "the worker tier's refresh is not started after the ingest tier's failed");
});

t.test("--upload-only bootstraps a new environment: bundle in the bucket, nothing else touched", async (t) => {
  const names = resourceNames(`rel${randomUUID().slice(0, 8)}`, "123456789012");
  await s3.send(new CreateBucketCommand({ Bucket: names.artifactsBucket }));
  const before = refreshes.length;
  const result = await release({ s3, ssm, lambda, autoscaling }, names, "0.1.0", {
    bundle: async () => bundle,
    fleet: "two-tier",
    uploadOnly: true,
  });
  t.match(result, { uploaded: true });
  t.same(result.instanceRefreshes, [], "no refresh");
  const head = await s3.send(
    new HeadObjectCommand({ Bucket: names.artifactsBucket, Key: releaseArtifactKey("0.1.0") }),
  );
  t.equal(head.ContentType, "application/zip");
  await t.rejects(ssm.send(new GetParameterCommand({ Name: names.releaseParameter })), "no version recorded");
  t.equal(refreshes.length, before);
});

t.test("a version that is not a plain label is refused before anything changes", async (t) => {
  const names = resourceNames("relinvalid", "123456789012");
  const before = refreshes.length;
  await t.rejects(
    release({ s3, ssm, lambda, autoscaling }, names, "../1.0", { bundle: async () => bundle, fleet: "two-tier" }),
    /invalid release version/,
  );
  t.equal(refreshes.length, before);
});
