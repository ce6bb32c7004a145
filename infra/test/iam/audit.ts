/**
 * Reads what the processes sent (capture.ts) and holds it against each process's action list: each
 * command's IAM authorizations (lib/aws-actions.ts iamRequestsOf) must be listed for the resource it
 * names, and each listed action must have been sent by some path of the suite (or be AWS's own use,
 * `impliedBy`).
 */
import { readFileSync } from "node:fs";
import { BURST_LAMBDA_GRANTS, DELIVERY_WORKER_GRANTS } from "../../../consumer/src/aws-permissions.ts";
import type { SentCommand } from "../../../lib/aws.ts";
import type { AwsGrant, AwsResource } from "../../../lib/aws-actions.ts";
import { iamRequestsOf } from "../../../lib/aws-actions.ts";
import { ONCALL_GRANTS } from "../../../scripts/ops/aws-permissions.ts";
import { RELEASE_GRANTS } from "../../../scripts/release/aws-permissions.ts";
import { INGEST_SERVICE_GRANTS } from "../../../service/src/aws-permissions.ts";
import { ROTATION_GRANTS } from "../../functions/aws-permissions.ts";
import { NAMES, type RoleKey, STAND_IN_CONFIG } from "./policies.ts";

/** Each role's list, beside its process. */
export const PROCESS_GRANTS: Readonly<Record<RoleKey, readonly AwsGrant[]>> = {
  ingest: INGEST_SERVICE_GRANTS,
  worker: DELIVERY_WORKER_GRANTS,
  burst: BURST_LAMBDA_GRANTS,
  rotation: ROTATION_GRANTS,
  oncall: ONCALL_GRANTS,
  release: RELEASE_GRANTS,
};

export interface Captured extends SentCommand {
  readonly role: RoleKey;
}

export const readCapture = (file: string): Captured[] =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Captured);

const prefix = `bill-mw-${STAND_IN_CONFIG.name}`;
const SECRETS: Readonly<Record<string, AwsResource[]>> = {
  [NAMES.apiKeysSecret]: ["api-keys-secret", "rotated-secrets"],
  [NAMES.adminApiKeysSecret]: ["admin-api-keys-secret", "rotated-secrets"],
  [NAMES.zohoOAuthSecret]: ["zoho-oauth-secret", "rotated-secrets"],
  [NAMES.tokenEncryptionKeySecret]: ["token-key-secret"],
  [NAMES.redisAuthSecret]: ["redis-auth-secret"],
  [`${prefix}/db-ingest`]: ["db-ingest-secret"],
  [`${prefix}/db-delivery`]: ["db-delivery-secret"],
  [`${prefix}/db-oncall`]: ["db-oncall-secret"],
};

/** The stack resources a command's target is (several where lists name it two ways: a secret that is rotated). */
export function resourcesOf(action: string, target: string): AwsResource[] {
  const [service] = action.split(":");
  if (service === "s3") {
    const [bucket, ...key] = target.split("/");
    if (bucket === NAMES.incomingBucket) return ["incoming-objects"];
    if (bucket === NAMES.processedBucket) return ["processed-objects"];
    if (bucket === NAMES.artifactsBucket && key.join("/").startsWith("releases/")) return ["release-bundles"];
    return [];
  }
  if (service === "sqs") {
    const name = target.split("/").at(-1);
    return name === NAMES.queue ? ["queue"] : name === NAMES.deadLetterQueue ? ["dlq"] : [];
  }
  if (service === "secretsmanager") {
    const name = target.replace(/^arn:aws:secretsmanager:[^:]+:\d+:secret:/, "").replace(/-[A-Za-z0-9]{6}$/, "");
    return SECRETS[name] ?? [];
  }
  if (service === "cloudwatch") return target === NAMES.metricsNamespace ? ["metrics"] : [];
  if (service === "sns") return target.endsWith(`:${prefix}-warning`) ? ["rotation-topic"] : [];
  if (service === "ssm") return target === NAMES.releaseParameter ? ["release-parameter"] : [];
  if (service === "lambda")
    return [NAMES.burstFunction, NAMES.secretRotationFunction].includes(target) ? ["release-functions"] : [];
  if (service === "autoscaling") return target.startsWith(prefix) ? ["fleet-groups"] : [];
  return [];
}

/** "action on resource" of every authorization a role's commands needed that its list lacks. */
export function unlisted(captured: readonly Captured[], role: RoleKey): string[] {
  const grants = PROCESS_GRANTS[role];
  const missing = new Set<string>();
  for (const c of captured.filter((x) => x.role === role)) {
    for (const r of iamRequestsOf(c)) {
      const kinds = resourcesOf(r.action, r.target);
      const listed = grants.some((g) => g.actions.includes(r.action) && kinds.includes(g.resource));
      if (!listed) missing.add(`${c.command} -> ${r.action} on ${r.target}`);
    }
  }
  return [...missing];
}

/** "sid: action on resource" of every listed action no command of the role needed (and AWS does not use for it). */
export function unused(captured: readonly Captured[], role: RoleKey): string[] {
  const used = new Set<string>();
  const sentActions = new Set<string>();
  // Answered after authorization (a 404 HeadObject, moto's 500 for what it does not implement) counts as used.
  for (const c of captured.filter((x) => x.role === role && x.error?.httpStatusCode !== 403)) {
    for (const r of iamRequestsOf(c)) {
      sentActions.add(r.action);
      for (const kind of resourcesOf(r.action, r.target)) used.add(`${r.action} ${kind}`);
    }
  }
  const out: string[] = [];
  for (const g of PROCESS_GRANTS[role]) {
    const implied = g.impliedBy ?? [];
    if (implied.some((a) => a.startsWith("aws:") || sentActions.has(a))) continue;
    for (const a of g.actions) if (!used.has(`${a} ${g.resource}`)) out.push(`${g.sid}: ${a} on ${g.resource}`);
  }
  return out;
}
