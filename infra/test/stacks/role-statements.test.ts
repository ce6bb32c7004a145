/**
 * Each role's statements are its process's list (service/src/aws-permissions.ts and the like) with
 * the resources mapped to ARNs, nothing added: the tiers add only the boot script's and the agent's
 * needs; a wildcard resource appears only where the action has no resource type.
 */
import t from "tap";
import { BURST_LAMBDA_GRANTS, DELIVERY_WORKER_GRANTS } from "../../../consumer/src/aws-permissions.ts";
import type { AwsResource } from "../../../lib/aws-actions.ts";
import { AWS_RESOURCES } from "../../../lib/aws-actions.ts";
import { INGEST_SERVICE_GRANTS } from "../../../service/src/aws-permissions.ts";
import type { Statement } from "../../src/constructs/iam.ts";
import {
  burstConsumerStatements,
  grantStatements,
  type InstanceResources,
  ingestTierStatements,
  logGroupStreamsArn,
  oncallStatements,
  type ResourceArns,
  singleTierStatements,
  workerTierStatements,
} from "../../src/stacks/role-statements.ts";

const arns = {
  ...(Object.fromEntries(AWS_RESOURCES.filter((r) => r !== "metrics").map((r) => [r, [`arn:test:${r}`]])) as Record<
    Exclude<AwsResource, "metrics">,
    string[]
  >),
  metricsNamespace: "BillMiddleware",
} satisfies ResourceArns;
const instance: InstanceResources = {
  artifactsBucketArn: "arn:aws:s3:::artifacts",
  releaseParameterArn: "arn:aws:ssm:us-east-1:111111111111:parameter/release",
  bootSecretArns: ["arn:secret:db", "arn:secret:redis"],
  secretsKeyArn: "arn:key:secrets",
  agentLogGroupArns: [logGroupStreamsArn("us-east-1", "111111111111", "/bill-mw/x/service")],
};
const sids = (statements: readonly Statement[]) => statements.map((s) => s.Sid);
const resourcesOf = (statements: readonly Statement[]) => statements.flatMap((s) => [s.Resource].flat());
const INSTANCE = [
  "ReleaseBundle",
  "ReleaseVersion",
  "BootSecrets",
  "BootSecretsKey",
  "AgentLogs",
  "AgentMetrics",
  "AgentAsgDimension",
  "Tracing",
];

t.test("a list becomes one statement per grant, its resource mapped, nothing else", async (t) => {
  const statements = grantStatements(INGEST_SERVICE_GRANTS, arns);
  t.same(
    sids(statements),
    INGEST_SERVICE_GRANTS.map((g) => g.sid),
  );
  t.same(statements[0], {
    Sid: "StorePdf",
    Effect: "Allow",
    Action: "s3:PutObject",
    Resource: "arn:test:incoming-objects",
  });
  const metrics = statements.find((s) => s.Sid === "Metrics");
  t.same(metrics, {
    Sid: "Metrics",
    Effect: "Allow",
    Action: "cloudwatch:PutMetricData",
    Resource: "*",
    Condition: { StringEquals: { "cloudwatch:namespace": "BillMiddleware" } },
  });
});

t.test("a resource the stack has no ARN for is an error, not an empty statement", async (t) => {
  t.throws(() => grantStatements(INGEST_SERVICE_GRANTS, { ...arns, queue: [] }), /grant Enqueue: no ARN for queue/);
});

t.test(
  "the ingest tier: the service's list and the instance's needs; no Zoho, token key or delivery login",
  async (t) => {
    const statements = ingestTierStatements(arns, instance);
    t.same(sids(statements), [...INGEST_SERVICE_GRANTS.map((g) => g.sid), ...INSTANCE]);
    const touched = resourcesOf(statements);
    for (const r of ["zoho-oauth-secret", "token-key-secret", "db-delivery-secret"]) {
      t.notOk(touched.includes(`arn:test:${r}`), `nothing on ${r}`);
    }
    // The console links a delivered bill's PDF (service/src/console/pdf-link.ts): it may read the
    // processed copy, never write or delete it.
    const onProcessed = statements
      .filter((s) => [s.Resource].flat().includes("arn:test:processed-objects"))
      .flatMap((s) => [s.Action].flat());
    t.same(onProcessed, ["s3:GetObject"], "on processed-objects: s3:GetObject only");
  },
);

t.test("the worker tier: the worker's list and the instance's needs; no API keys, no version deletes", async (t) => {
  const statements = workerTierStatements(arns, instance);
  t.same(sids(statements), [...DELIVERY_WORKER_GRANTS.map((g) => g.sid), ...INSTANCE]);
  t.notOk(resourcesOf(statements).includes("arn:test:api-keys-secret"));
  t.notOk(statements.some((s) => [s.Action].flat().includes("s3:DeleteObjectVersion")));
});

t.test(
  "the DLQ: the worker sends, receives, deletes and releases (its settler); the Lambda only sends; ingest and on-call release too",
  async (t) => {
    const onDlq = (statements: readonly Statement[]) =>
      statements
        .filter((s) => [s.Resource].flat().includes("arn:test:dlq"))
        .flatMap((s) => [s.Action].flat())
        .sort();
    t.same(onDlq(workerTierStatements(arns, instance)), [
      "sqs:ChangeMessageVisibility",
      "sqs:DeleteMessage",
      "sqs:ReceiveMessage",
      "sqs:SendMessage",
    ]);
    t.same(onDlq(burstConsumerStatements(arns)), ["sqs:SendMessage"]);
    t.same(onDlq(ingestTierStatements(arns, instance)), [
      "sqs:ChangeMessageVisibility",
      "sqs:DeleteMessage",
      "sqs:ReceiveMessage",
    ]);
    const oncall = oncallStatements(arns, { region: "us-east-1", accountId: "111111111111", tier: "worker" });
    t.same(onDlq(oncall), ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:ReceiveMessage"]);
  },
);

t.test("the burst Lambda: its list only: no API keys, no PutObject or version deletes on incoming", async (t) => {
  const statements = burstConsumerStatements(arns);
  t.same(
    sids(statements),
    BURST_LAMBDA_GRANTS.map((g) => g.sid),
  );
  t.notOk(resourcesOf(statements).includes("arn:test:api-keys-secret"), "no API keys");
  const onIncoming = statements.filter((s) => [s.Resource].flat().includes("arn:test:incoming-objects"));
  t.same(
    onIncoming.flatMap((s) => [s.Action].flat()),
    ["s3:GetObject", "s3:PutObjectTagging"],
    "reads incoming and tags a delivered PDF stored-once (ADR 9), nothing more",
  );
  t.notOk(
    resourcesOf(statements).some((r) => r.includes("release")),
    "no release bundles",
  );
});

t.test("single tier: both lists with prefixed Sids (unique), and the instance's needs once", async (t) => {
  const statements = singleTierStatements(arns, instance);
  const ids = sids(statements);
  t.equal(new Set(ids).size, ids.length, "Sids are unique");
  t.ok(ids.includes("IngestStorePdf") && ids.includes("WorkerDeadLetters") && ids.includes("BootSecrets"));
});

t.test("on-call: its list, a shell only on worker instances, its own sessions only", async (t) => {
  const statements = oncallStatements(arns, { region: "us-east-1", accountId: "111111111111", tier: "worker" });
  const byId = new Map(statements.map((s) => [s.Sid, s]));
  t.same(byId.get("SessionOnWorkers")?.Condition, { StringEquals: { "ssm:resourceTag/Tier": "worker" } });
  t.equal(
    byId.get("OwnSessions")?.Resource,
    "arn:aws:ssm:us-east-1:111111111111:session/$${aws:userid}-*",
    "escaped for Terraform",
  );
});

t.test("a wildcard resource only where the action has no resource type", async (t) => {
  for (const statements of [
    ingestTierStatements(arns, instance),
    workerTierStatements(arns, instance),
    burstConsumerStatements(arns),
  ]) {
    const wildcard = statements.filter((s) => [s.Resource].flat().includes("*"));
    t.same(
      wildcard
        .flatMap((s) => [s.Action].flat())
        .filter((a) => a !== "cloudwatch:PutMetricData" && a !== "ec2:DescribeTags" && !a.startsWith("xray:")),
      [],
    );
    for (const s of statements) t.equal(s.Effect, "Allow", String(s.Sid));
  }
});
