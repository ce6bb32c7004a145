/**
 * Release: build one bundle of the service, the worker, the Lambda handlers and the on-call
 * commands (scripts/ops, runbooks), upload it to the
 * artifact bucket under its version, point the Lambdas at it, record the version in SSM (read by
 * instances at boot) and start a rolling instance refresh of every tier of the fleet. A version already in the bucket is
 * reused and never overwritten, so rolling back is the same call with the previous version.
 */
import { createHash } from "node:crypto";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { StartInstanceRefreshCommand } from "@aws-sdk/client-auto-scaling";
import { UpdateFunctionCodeCommand } from "@aws-sdk/client-lambda";
import { HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { PutParameterCommand } from "@aws-sdk/client-ssm";
import { build } from "esbuild";
import { zipSync } from "fflate";
import type { OPS_COMMANDS } from "../../lib/naming.ts";
import {
  type FleetLayout,
  fleetGroups,
  type ResourceNames,
  releaseArtifactKey,
  releaseParameterValue,
} from "../../lib/naming.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

/**
 * On-call commands the runbooks use, bundled as `ops/<command>.mjs`; on an instance
 * `sudo bill-mw-ops <command> ...` runs them with the units' settings (infra user data).
 */
export const OPS_ENTRY_POINTS: Record<(typeof OPS_COMMANDS)[number], string> = {
  "failed-bills": "scripts/ops/failed-bills.ts",
  "retry-stuck": "scripts/ops/retry-stuck.ts",
  "dlq-redrive": "scripts/ops/dlq-redrive.ts",
  reconcile: "scripts/ops/reconcile.ts",
  partitions: "scripts/ops/partitions.ts",
  "heap-diff": "scripts/ops/heap-diff.ts",
  mappings: "scripts/ops/mappings.ts",
};

/** Files in the bundle (without .mjs) -> their sources. Handlers are `<file>.handler` (infra NodeFunction). */
export const ENTRY_POINTS: Record<string, string> = {
  service: "service/src/server.ts",
  worker: "consumer/src/worker.ts",
  lambda: "consumer/src/lambda.ts",
  "secret-rotation": "infra/functions/secret-rotation.ts",
  ...Object.fromEntries(Object.entries(OPS_ENTRY_POINTS).map(([name, source]) => [`ops/${name}`, source])),
};

/** A version becomes part of an S3 key and an SSM value: keep it to a plain label. */
export const VERSION_PATTERN = /^[0-9A-Za-z][0-9A-Za-z._+-]{0,63}$/;

/** Anything with the SDK's `send`: the real clients, or a recording stand-in where moto has no API. */
export interface Sender {
  send(command: unknown): Promise<unknown>;
}

export interface ReleaseClients {
  readonly s3: Pick<S3Client, "send">;
  readonly ssm: Sender;
  readonly lambda: Sender;
  readonly autoscaling: Sender;
}

export interface ReleaseResult {
  readonly version: string;
  readonly key: string;
  /** SHA-256 (hex) of the bundle, recorded with the version for the instances' boot-time check. */
  readonly sha256: string;
  /** False when the version was already in the bucket (a rollback or a re-run). */
  readonly uploaded: boolean;
  /** One started refresh per tier, in `fleetGroups` order (none with uploadOnly). */
  readonly instanceRefreshes: readonly { readonly group: string; readonly id?: string }[];
}

/** Bundles every entry point (ESM, Node 24, source maps) and zips them with a RELEASE file. */
const OUTDIR = "dist/release";
export async function buildBundle(version: string): Promise<Uint8Array> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: ENTRY_POINTS,
    bundle: true,
    platform: "node",
    target: "node24",
    format: "esm",
    outdir: OUTDIR, // with write: false nothing is written; paths only name the outputs
    outExtension: { ".js": ".mjs" },
    sourcemap: "linked",
    write: false,
    logLevel: "error",
    // CommonJS dependencies (fastify, pg...) call require(): give the ESM bundle one.
    banner: {
      js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
    },
    external: ["pg-native"], // optional native driver of pg, never used
  });
  const files: Record<string, Uint8Array> = { RELEASE: new TextEncoder().encode(`${version}\n`) };
  for (const out of result.outputFiles) files[relative(join(root, OUTDIR), out.path)] = out.contents;
  return zipSync(files, { level: 9, mtime: new Date("2026-01-01T00:00:00Z") });
}

/**
 * The SHA-256 (hex) of the bundle already in the bucket under `key`, from the metadata the upload
 * wrote; null when there is none. A bundle without it predates the boot-time check: refused.
 */
async function storedSha256(s3: Pick<S3Client, "send">, bucket: string, key: string): Promise<string | null> {
  try {
    const head = (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))) as {
      Metadata?: Record<string, string>;
    };
    const sha256 = head.Metadata?.sha256;
    if (!sha256 || !/^[0-9a-f]{64}$/.test(sha256)) {
      throw new Error(
        `s3://${bucket}/${key} has no sha256 metadata (uploaded before boot-time hash checks): release a new version`,
      );
    }
    return sha256;
  } catch (e) {
    if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
    throw e;
  }
}

export interface ReleaseOptions {
  bundle: () => Promise<Uint8Array>;
  log?: (msg: string) => void;
  /** Which groups to refresh (the environment's `fleet`). */
  fleet: FleetLayout;
  /** Stop after the upload: bootstraps a new environment, whose Lambdas are created from the bundle. */
  uploadOnly?: boolean;
}

type Log = (msg: string) => void;

/** Uploads the bundle unless the version is already in the bucket; its SHA-256 and whether it uploaded. */
async function uploadUnlessPresent(
  s3: Pick<S3Client, "send">,
  bucket: string,
  key: string,
  bundle: () => Promise<Uint8Array>,
  log: Log,
): Promise<{ uploaded: boolean; sha256: string }> {
  const stored = await storedSha256(s3, bucket, key);
  if (stored) {
    log(`s3://${bucket}/${key} already exists: reusing it (sha256 ${stored})`);
    return { uploaded: false, sha256: stored };
  }
  const body = await bundle();
  const sha256 = createHash("sha256").update(body).digest("hex");
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: body,
      ContentType: "application/zip",
      ChecksumAlgorithm: "SHA256",
      Metadata: { sha256 },
    }),
  );
  log(`uploaded s3://${bucket}/${key} (${body.byteLength} bytes, sha256 ${sha256})`);
  return { uploaded: true, sha256 };
}

/** Points the Lambdas at the bundle and records the version in SSM for instances at boot. */
async function pointAtVersion(
  clients: ReleaseClients,
  names: ResourceNames,
  version: string,
  { key, sha256 }: { key: string; sha256: string },
  log: Log,
): Promise<void> {
  const bucket = names.artifactsBucket;
  for (const fn of [names.burstFunction, names.secretRotationFunction]) {
    await clients.lambda.send(
      new UpdateFunctionCodeCommand({ FunctionName: fn, S3Bucket: bucket, S3Key: key, Publish: true }),
    );
    log(`lambda ${fn} -> ${version}`);
  }
  // Instances install this version only if the bundle they download has this hash (infra user data).
  const value = releaseParameterValue(version, sha256);
  await clients.ssm.send(
    new PutParameterCommand({ Name: names.releaseParameter, Value: value, Type: "String", Overwrite: true }),
  );
  log(`${names.releaseParameter} = ${value}`);
}

/** Starts a rolling instance refresh on every tier of the fleet, in `fleetGroups` order. */
async function refreshFleet(
  autoscaling: Sender,
  names: ResourceNames,
  fleet: FleetLayout,
  log: Log,
): Promise<{ group: string; id?: string }[]> {
  // SkipMatching stays off: the launch templates are unchanged, the version comes from SSM at boot.
  // Every tier runs the release's code, so each is refreshed; a failed start stops the release.
  const instanceRefreshes: { group: string; id?: string }[] = [];
  for (const group of fleetGroups(names, fleet)) {
    const refresh = (await autoscaling.send(
      new StartInstanceRefreshCommand({
        AutoScalingGroupName: group,
        Strategy: "Rolling",
        Preferences: { MinHealthyPercentage: 90, InstanceWarmup: 300, SkipMatching: false },
      }),
    )) as { InstanceRefreshId?: string };
    log(`instance refresh ${refresh.InstanceRefreshId} started on ${group}`);
    instanceRefreshes.push({ group, id: refresh.InstanceRefreshId });
  }
  return instanceRefreshes;
}

/**
 * Releases `version` to one environment. `bundle` builds the artifact only when the version is
 * not in the bucket yet.
 */
export async function release(
  clients: ReleaseClients,
  names: ResourceNames,
  version: string,
  options: ReleaseOptions,
): Promise<ReleaseResult> {
  if (!VERSION_PATTERN.test(version)) throw new Error(`invalid release version "${version}"`);
  const log = options.log ?? (() => {});
  const key = releaseArtifactKey(version);
  const { uploaded, sha256 } = await uploadUnlessPresent(clients.s3, names.artifactsBucket, key, options.bundle, log);
  if (options.uploadOnly) return { version, key, sha256, uploaded, instanceRefreshes: [] };
  await pointAtVersion(clients, names, version, { key, sha256 }, log);
  const instanceRefreshes = await refreshFleet(clients.autoscaling, names, options.fleet, log);
  return { version, key, sha256, uploaded, instanceRefreshes };
}
