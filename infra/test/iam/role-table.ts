/**
 * The role × action × resource table of infra/README.md, rendered from the action lists beside each
 * process (and the instances' boot needs). synthesized.test.ts fails when the README's copy differs;
 * `node infra/test/iam/role-table.ts --write` rewrites it between its markers.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { AwsGrant } from "../../../lib/aws-actions.ts";
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

/** What each tier's instance needs besides its process (stacks/role-statements.ts instanceStatements). */
const INSTANCE_ROWS = [
  ["ReleaseBundle", "s3:GetObject", "`<artifacts>/releases/*`", "boot: the release bundle"],
  ["ReleaseVersion", "ssm:GetParameter", "release-parameter", "boot: which release"],
  [
    "BootSecrets",
    "secretsmanager:GetSecretValue",
    "the tier's boot secrets (see Tiers)",
    "bill-mw-env before each unit starts",
  ],
  ["BootSecretsKey", "kms:Decrypt", "secrets-key", "those secrets' CMK"],
  ["AgentLogs", "logs:CreateLogStream, logs:PutLogEvents", "the tier's units' log groups", "CloudWatch agent"],
  ["AgentMetrics", "cloudwatch:PutMetricData", "`*` if namespace = CWAgent", "CloudWatch agent memory metrics"],
  ["AgentAsgDimension", "ec2:DescribeTags", "`*` (no resource type)", "CloudWatch agent ASG dimension"],
  ["Tracing", "xray:PutTraceSegments, …", "`*` (no resource type)", "X-Ray daemon"],
] as const;

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
    if (role === "ingest" || role === "worker") {
      for (const [sid, actions, resource, why] of INSTANCE_ROWS) {
        rows.push(`| ${ROLE_TITLES[role]} | ${sid} | ${actions} | ${resource} | ${why} |`);
      }
    }
  }
  rows.push(
    `| ${ROLE_TITLES.oncall} | SessionOnWorkers, SessionDocument, OwnSessions | ssm:StartSession, ssm:TerminateSession, ssm:ResumeSession | instances tagged Tier = worker; its own sessions | a Session Manager shell where bill-mw-ops runs |`,
  );
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
