/**
 * Each role's statements on their own: the burst Lambda gets the workload only, the instances the
 * workload plus the release, the admin keys and the CloudWatch agent; a wildcard resource appears
 * only where the action has no resource type.
 */
import t from "tap";
import type { Statement } from "../../src/constructs/iam.ts";
import {
  type AppInstanceResources,
  appInstanceStatements,
  burstConsumerStatements,
  logGroupStreamsArn,
  workloadStatements,
} from "../../src/stacks/role-statements.ts";

const r: AppInstanceResources = {
  incomingBucketArn: "arn:aws:s3:::incoming",
  processedBucketArn: "arn:aws:s3:::processed",
  queueArn: "arn:aws:sqs:us-east-1:111111111111:bills",
  dlqArn: "arn:aws:sqs:us-east-1:111111111111:bills-dlq",
  secretArns: ["arn:secret:zoho", "arn:secret:api-keys"],
  keyArns: ["arn:key:storage"],
  metricsNamespace: "BillMiddleware",
  artifactsBucketArn: "arn:aws:s3:::artifacts",
  releaseParameterArn: "arn:aws:ssm:us-east-1:111111111111:parameter/release",
  adminApiKeysSecretArn: "arn:secret:admin-api-keys",
  agentLogGroupArns: [logGroupStreamsArn("us-east-1", "111111111111", "/bill-mw/x/service")],
};
const sids = (statements: readonly Statement[]) => statements.map((s) => s.Sid);
const resourcesOf = (statements: readonly Statement[]) => statements.flatMap((s) => [s.Resource].flat());
const WORKLOAD = ["PdfObjects", "DiscardLostDuplicate", "BillQueue", "DlqDepth", "ReadSecrets", "UseKeys", "Metrics"];

t.test("the burst Lambda's role: the workload, nothing of the instances", async (t) => {
  const burst = burstConsumerStatements(r);
  t.same(sids(burst), WORKLOAD);
  t.notOk(resourcesOf(burst).includes(r.adminApiKeysSecretArn), "no admin keys");
  t.notOk(
    resourcesOf(burst).some((a) => a.startsWith(r.artifactsBucketArn)),
    "no release bundles",
  );
});

t.test("the instances' role: the workload, then the release, admin keys, agent and tracing", async (t) => {
  t.same(sids(appInstanceStatements(r)), [
    ...WORKLOAD,
    "ReleaseBundle",
    "ReleaseVersion",
    "AdminKeys",
    "AgentLogs",
    "AgentMetrics",
    "AgentAsgDimension",
    "Tracing",
  ]);
  const byId = new Map(appInstanceStatements(r).map((s) => [s.Sid, s]));
  t.equal(byId.get("ReleaseBundle")?.Resource, "arn:aws:s3:::artifacts/releases/*");
  t.same(byId.get("AgentLogs")?.Resource, ["arn:aws:logs:us-east-1:111111111111:log-group:/bill-mw/x/service:*"]);
  t.same(byId.get("AgentMetrics")?.Condition, { StringEquals: { "cloudwatch:namespace": "CWAgent" } });
});

t.test("objects are scoped to their buckets, and only incoming versions may be deleted", async (t) => {
  const byId = new Map(workloadStatements(r).map((s) => [s.Sid, s]));
  t.same(byId.get("PdfObjects")?.Resource, ["arn:aws:s3:::incoming/*", "arn:aws:s3:::processed/*"]);
  t.same(byId.get("DiscardLostDuplicate"), {
    Sid: "DiscardLostDuplicate",
    Effect: "Allow",
    Action: "s3:DeleteObjectVersion",
    Resource: "arn:aws:s3:::incoming/*",
  });
  t.same(byId.get("Metrics")?.Condition, { StringEquals: { "cloudwatch:namespace": "BillMiddleware" } });
});

t.test("a wildcard resource only where the action has no resource type", async (t) => {
  const wildcard = appInstanceStatements(r).filter((s) => [s.Resource].flat().includes("*"));
  t.same(sids(wildcard), ["Metrics", "AgentMetrics", "AgentAsgDimension", "Tracing"]);
  for (const s of appInstanceStatements(r)) t.equal(s.Effect, "Allow", String(s.Sid));
});
