/**
 * What the IAM-enforcing stand-in does not judge, checked on the synthesized JSON of both stacks:
 * the resources of every statement outside S3 and SQS (moto sees "*" there), KMS (moto's S3, SQS
 * and Secrets Manager never call it; key policies are not evaluated), condition keys, trust
 * policies and resource policies. And the README's role table is the one the lists render.
 */
import t from "tap";
import type { AwsResource } from "../../../lib/aws-actions.ts";
import { allEnvironments, type Json, parse, resources, type Synthesized, synth } from "../helpers.ts";
import { PROCESS_GRANTS } from "./audit.ts";
import { ROLES, type RoleKey } from "./policies.ts";
import { readmeTable, renderRoleTable } from "./role-table.ts";

interface St {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: string | string[];
  readonly Condition?: Json;
  readonly Principal?: Json;
}

/** The synthesized logical-name prefix (or literal ARN pattern) each listed resource must resolve to. */
const EXPECTED: Readonly<Record<Exclude<AwsResource, "metrics">, RegExp>> = {
  "incoming-objects": /^\$\{aws_s3_bucket\.storage_incoming_bucket_[0-9A-F]+\.arn\}\/\*$/,
  "processed-objects": /^\$\{aws_s3_bucket\.storage_processed_bucket_[0-9A-F]+\.arn\}\/\*$/,
  "release-bundles": /^\$\{aws_s3_bucket\.storage_artifacts_bucket_[0-9A-F]+\.arn\}\/releases\/\*$/,
  queue: /^\$\{aws_sqs_queue\.queue_[0-9A-F]+\.arn\}$/,
  dlq: /^\$\{aws_sqs_queue\.queue_dlq_[0-9A-F]+\.arn\}$/,
  "api-keys-secret": /^\$\{aws_secretsmanager_secret\.secrets_api-keys_[0-9A-F]+\.arn\}$/,
  "admin-api-keys-secret": /^\$\{aws_secretsmanager_secret\.secrets_admin-api-keys_[0-9A-F]+\.arn\}$/,
  "zoho-oauth-secret": /^\$\{aws_secretsmanager_secret\.secrets_zoho-oauth_[0-9A-F]+\.arn\}$/,
  "token-key-secret": /^\$\{aws_secretsmanager_secret\.secrets_token-encryption-key_[0-9A-F]+\.arn\}$/,
  "redis-auth-secret": /^\$\{aws_secretsmanager_secret\.secrets_redis-auth_[0-9A-F]+\.arn\}$/,
  "db-ingest-secret": /^\$\{aws_secretsmanager_secret\.database-logins_ingest_[0-9A-F]+\.arn\}$/,
  "db-delivery-secret": /^\$\{aws_secretsmanager_secret\.database-logins_delivery_[0-9A-F]+\.arn\}$/,
  "db-oncall-secret": /^\$\{aws_secretsmanager_secret\.database-logins_oncall_[0-9A-F]+\.arn\}$/,
  "rotated-secrets": /^\$\{aws_secretsmanager_secret\.secrets_(zoho-oauth|api-keys|admin-api-keys)_[0-9A-F]+\.arn\}$/,
  "rotation-topic": /^\$\{aws_sns_topic\.observability_topic-warning_[0-9A-F]+\.arn\}$/,
  "storage-key": /^\$\{aws_kms_key\.key-storage_key_[0-9A-F]+\.arn\}$/,
  "messaging-key": /^\$\{aws_kms_key\.key-messaging_key_[0-9A-F]+\.arn\}$/,
  "secrets-key": /^\$\{aws_kms_key\.key-secrets_key_[0-9A-F]+\.arn\}$/,
  "release-parameter": /^\$\{aws_ssm_parameter\.release-version\.arn\}$/,
  "release-functions": /^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:bill-mw-[a-z]+-(burst-consumer|secret-rotation)$/,
  "fleet-groups":
    /^arn:aws:autoscaling:[a-z0-9-]+:\d{12}:autoScalingGroup:\*:autoScalingGroupName\/bill-mw-[a-z]+-(app|worker)$/,
};

/** What a tier's instance adds to its role (stacks/role-statements.ts instanceStatements), in order. */
const INSTANCE_SIDS = [
  "ReleaseBundle",
  "ReleaseVersion",
  "BootSecrets",
  "BootSecretsKey",
  "AgentLogs",
  "AgentMetrics",
  "AgentAsgDimension",
  "Tracing",
];

function roleOf(s: Synthesized, name: string): { logical: string; trust: St[]; statements: St[] } {
  const roles = s.json.resource.aws_iam_role ?? {};
  const [logical, role] = Object.entries(roles).find(([, r]) => r.name === name) ?? [];
  if (!logical || !role) throw new Error(`no role ${name}`);
  const statements = Object.values(s.json.resource.aws_iam_role_policy ?? {})
    .filter((p) => String(p.role) === `\${aws_iam_role.${logical}.id}`)
    .flatMap((p) => parse(p.policy).Statement as St[]);
  return { logical, trust: parse(role.assume_role_policy).Statement as St[], statements };
}

for (const config of allEnvironments) {
  const s = synth(config);
  const role = (k: RoleKey) => roleOf(s, ROLES[k].replace("iamtest", config.name));

  t.test(`${config.name}: every listed statement names exactly the resources of its list entry`, async (t) => {
    for (const k of Object.keys(PROCESS_GRANTS) as RoleKey[]) {
      const bySid = new Map(role(k).statements.map((st) => [st.Sid, st]));
      for (const g of PROCESS_GRANTS[k]) {
        const st = bySid.get(g.sid);
        t.ok(st, `${k} ${g.sid} synthesized`);
        if (!st) continue;
        t.same([st.Action].flat(), g.actions, `${k} ${g.sid}: the list's actions`);
        const arns = [st.Resource].flat();
        if (g.resource === "metrics") {
          t.same(arns, ["*"]);
          t.same(
            st.Condition,
            { StringEquals: { "cloudwatch:namespace": "BillMiddleware" } },
            `${k} ${g.sid}: namespace condition`,
          );
          continue;
        }
        for (const arn of arns) t.match(arn, EXPECTED[g.resource], `${k} ${g.sid}: ${g.resource}`);
      }
    }
  });

  t.test(`${config.name}: each role holds its list and nothing more (but the stack's named additions)`, async (t) => {
    const listed = (k: RoleKey) => PROCESS_GRANTS[k].map((g) => g.sid);
    const added: Readonly<Record<RoleKey, readonly string[]>> = {
      ingest: INSTANCE_SIDS,
      worker: INSTANCE_SIDS,
      burst: [],
      rotation: [],
      oncall: ["SessionOnWorkers", "SessionDocument", "OwnSessions"],
      release: [],
    };
    const lambdaTracing = {
      Effect: "Allow",
      Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
      Resource: "*",
    };
    const attachments = Object.values(s.json.resource.aws_iam_role_policy_attachment ?? {});
    for (const k of Object.keys(ROLES) as RoleKey[]) {
      const { statements, logical } = role(k);
      t.same(
        statements.filter((st) => st.Sid).map((st) => st.Sid),
        [...listed(k), ...added[k]],
        `${k}: its list's statements, then only ${added[k].join(", ") || "nothing"}`,
      );
      const lambda = k === "burst" || k === "rotation";
      t.same(
        statements.filter((st) => !st.Sid),
        lambda ? [lambdaTracing] : [],
        lambda ? `${k}: and Lambda's X-Ray statement` : `${k}: no statement without a Sid`,
      );
      const managed = attachments
        .filter((a) => String(a.role) === `\${aws_iam_role.${logical}.name}`)
        .map((a) => String(a.policy_arn).split("/").at(-1));
      const expected =
        { ingest: ["AmazonSSMManagedInstanceCore"], worker: ["AmazonSSMManagedInstanceCore"] }[
          k as "ingest" | "worker"
        ] ?? (lambda ? ["AWSLambdaVPCAccessExecutionRole"] : []);
      t.same(managed, expected, `${k}: managed policies`);
    }
  });

  t.test(
    `${config.name}: the ingest tier cannot read Zoho credentials, the token key or the delivery login`,
    async (t) => {
      const text = JSON.stringify(role("ingest").statements);
      for (const secret of [
        "secrets_zoho-oauth",
        "secrets_token-encryption-key",
        "database-logins_delivery",
        "master_user_secret",
      ]) {
        t.notMatch(text, secret, secret);
      }
      t.notMatch(
        JSON.stringify(role("burst").statements),
        /secrets_api-keys|secrets_admin-api-keys/,
        "nor the Lambda the API keys",
      );
      t.notMatch(
        JSON.stringify(role("worker").statements),
        /secrets_api-keys|database-logins_ingest/,
        "nor the worker the service's",
      );
    },
  );

  t.test(
    `${config.name}: KMS: each role uses only the keys its list implies, and only to encrypt/decrypt`,
    async (t) => {
      for (const k of Object.keys(ROLES) as RoleKey[]) {
        const kms = role(k).statements.filter((st) => [st.Action].flat().some((a) => a.startsWith("kms:")));
        for (const st of kms) {
          t.ok(
            [st.Action].flat().every((a) => a === "kms:Decrypt" || a === "kms:GenerateDataKey"),
            `${k} ${st.Sid}: use only`,
          );
          t.ok(
            [st.Resource].flat().every((r) => /aws_kms_key\.key-(storage|messaging|secrets)_key/.test(r)),
            `${k} ${st.Sid}: a named CMK`,
          );
        }
      }
      // Key policies delegate use to IAM (the account root statement) and grant services, never one of our roles.
      for (const [, key] of resources(s, "aws_kms_key")) {
        const statements = parse(key.policy).Statement as St[];
        t.ok(
          statements.some((st) => st.Sid === "AccountAdministersAndDelegatesToIam"),
          "IAM policies decide",
        );
        const roleNames = Object.values(ROLES).map((r) => r.replace("iamtest", config.name));
        t.notOk(
          roleNames.some((r) => JSON.stringify(statements).includes(`role/${r}"`)),
          "no app role named in a key policy",
        );
      }
    },
  );

  t.test(
    `${config.name}: trust: tiers by EC2, Lambdas by Lambda, people only with MFA from this account`,
    async (t) => {
      const service = (k: RoleKey) => role(k).trust.map((st) => (st.Principal as { Service?: string })?.Service);
      t.same(service("ingest"), ["ec2.amazonaws.com"]);
      t.same(service("worker"), ["ec2.amazonaws.com"]);
      t.same(service("burst"), ["lambda.amazonaws.com"]);
      t.same(service("rotation"), ["lambda.amazonaws.com"]);
      for (const k of ["oncall", "release"] as const) {
        t.same(role(k).trust, [
          {
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${config.accountId}:root` },
            Action: "sts:AssumeRole",
            Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
          },
        ]);
      }
    },
  );

  t.test(
    `${config.name}: resource policies grant nothing to principals outside AWS services (ELB's log writer aside)`,
    async (t) => {
      for (const type of ["aws_s3_bucket_policy", "aws_sqs_queue_policy", "aws_sns_topic_policy"]) {
        for (const [name, p] of resources(s, type)) {
          for (const st of parse(p.policy).Statement as St[]) {
            if (st.Effect !== "Allow") continue;
            // The one exception: ELB's own account writing ALB access logs in regions that predate the service principal.
            const elbLogs = st.Sid === "AlbAccessLogsLegacyRegions" && [st.Action].flat().join() === "s3:PutObject";
            t.ok(
              elbLogs || Object.keys(st.Principal ?? {}).every((k) => k === "Service"),
              `${type} ${name} ${st.Sid ?? ""}: a service principal`,
            );
          }
        }
      }
    },
  );
}

t.test("infra/README.md's role table is the one the lists render", async (t) => {
  t.equal(readmeTable(), renderRoleTable(), "run: node infra/test/iam/role-table.ts --write");
});
