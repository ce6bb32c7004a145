/**
 * The role × action × resource table of infra/README.md, rendered from the action lists beside each
 * process and the statements the stack adds to a role (a tier's instance needs, on-call's shell). synthesized.test.ts fails when the README's copy differs;
 * `node infra/test/iam/role-table.ts --write` rewrites it between its markers.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { AWS_RESOURCES, type AwsGrant } from "../../../lib/aws-actions.ts";
import { ONCALL_GRANTS } from "../../../scripts/ops/aws-permissions.ts";
import {
  type InstanceResources,
  instanceStatements,
  oncallStatements,
  type ResourceArns,
} from "../../src/stacks/role-statements.ts";
import { PROCESS_GRANTS } from "./audit.ts";
import type { RoleKey } from "./policies.ts";

export const README = fileURLToPath(new URL("../../README.md", import.meta.url));
export const BEGIN = "<!-- BEGIN role-table (node infra/test/iam/role-table.ts --write) -->";
export const END = "<!-- END role-table -->";

const ROLE_TITLES: Readonly<Record<RoleKey, string>> = {
  ingest: "ingest tier (`bill-mw-<env>-ingest`)",
  worker: "worker tier (`bill-mw-<env>-worker`)",
  burst: "burst Lambda (`bill-mw-<env>-burst-consumer`)",
  rotation: "rotation Lambda (`bill-mw-<env>-secret-rotation`)",
  oncall: "on-call (`bill-mw-<env>-oncall`)",
  release: "release (`bill-mw-<env>-release`)",
};

/**
 * How the table names the resource of each statement a tier's instance adds (stacks/role-statements.ts
 * instanceStatements), and why it is there. The Sids and actions come from the statements themselves.
 */
const INSTANCE_TEXT: Readonly<Record<string, readonly [resource: string, why: string]>> = {
  ReleaseBundle: ["`<artifacts>/releases/*`", "boot: the release bundle"],
  ReleaseVersion: ["release-parameter", "boot: which release"],
  BootSecrets: ["the tier's boot secrets (see Tiers)", "bill-mw-env before each unit starts"],
  BootSecretsKey: ["secrets-key", "those secrets' CMK"],
  AgentLogs: ["the tier's units' log groups", "CloudWatch agent"],
  AgentMetrics: ["`*` if namespace = CWAgent", "CloudWatch agent memory metrics"],
  AgentAsgDimension: ["`*` (no resource type)", "CloudWatch agent ASG dimension"],
  Tracing: ["`*` (no resource type)", "X-Ray daemon"],
};

/** Placeholder ARNs: the table shows Sids and actions, which do not depend on them. */
const PLACEHOLDER_ARNS = {
  ...Object.fromEntries(AWS_RESOURCES.map((r) => [r, [`arn:${r}`]])),
  metricsNamespace: "BillMiddleware",
} as unknown as ResourceArns;
const PLACEHOLDER_INSTANCE: InstanceResources = {
  artifactsBucketArn: "arn:artifacts",
  releaseParameterArn: "arn:release-parameter",
  bootSecretArns: ["arn:boot-secret"],
  secretsKeyArn: "arn:secrets-key",
  agentLogGroupArns: ["arn:log-group"],
};

/** The rows of the statements a role adds beyond its process's list (a tier's instance needs, on-call's shell). */
function addedRows(role: RoleKey, title: string): string[] {
  if (role === "ingest" || role === "worker") {
    return instanceStatements(PLACEHOLDER_INSTANCE).map((st) => {
      const text = INSTANCE_TEXT[String(st.Sid)];
      if (!text) throw new Error(`role table: no text for the instance statement ${st.Sid}`);
      return `| ${title} | ${st.Sid} | ${[st.Action].flat().join(", ")} | ${text[0]} | ${text[1]} |`;
    });
  }
  if (role === "oncall") {
    const listed = new Set(ONCALL_GRANTS.map((g) => g.sid));
    const session = oncallStatements(PLACEHOLDER_ARNS, { region: "r", accountId: "a", tier: "worker" }).filter(
      (st) => !listed.has(String(st.Sid)),
    );
    const sids = session.map((st) => st.Sid).join(", ");
    const actions = [...new Set(session.flatMap((st) => [st.Action].flat()))].join(", ");
    return [
      `| ${title} | ${sids} | ${actions} | instances tagged Tier = worker; its own sessions | a Session Manager shell where bill-mw-ops runs |`,
    ];
  }
  return [];
}

const cell = (s: string) => s.replaceAll("|", "\\|");

function grantRow(role: string, g: AwsGrant): string {
  const resource = g.resource === "metrics" ? "`*` if namespace = BillMiddleware" : g.resource;
  const via = g.impliedBy ? ` (used by AWS with ${g.impliedBy.join(", ")})` : "";
  return `| ${role} | ${g.sid} | ${g.actions.join(", ")} | ${resource} | ${cell(g.why + via)} |`;
}

/** The table, one row per statement, in each role's order. */
export function renderRoleTable(): string {
  const rows = ["| role | Sid | actions | resource | used by |", "|---|---|---|---|---|"];
  for (const role of Object.keys(PROCESS_GRANTS) as RoleKey[]) {
    for (const g of PROCESS_GRANTS[role]) rows.push(grantRow(ROLE_TITLES[role], g));
    rows.push(...addedRows(role, ROLE_TITLES[role]));
  }
  return rows.join("\n");
}

/** The README's copy of the table (between the markers). */
export function readmeTable(text = readFileSync(README, "utf8")): string | undefined {
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  if (a < 0 || b < a) return undefined;
  return text.slice(a + BEGIN.length, b).trim();
}

if (import.meta.main && process.argv.includes("--write")) {
  const text = readFileSync(README, "utf8");
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`markers not found in ${README}`);
  writeFileSync(README, `${text.slice(0, a + BEGIN.length)}\n${renderRoleTable()}\n${text.slice(b)}`);
  console.log(`wrote the role table to ${README}`);
}
