/**
 * The enforcement suite's world: its own IAM-enforcing moto holding the stack's resources under the
 * stack's names, one IAM user per role with exactly that role's synthesized policies, and this
 * file's database, Redis prefix and Zoho simulator (consumer/test/helper.ts). The test process
 * itself acts as a bootstrap admin (an `Action: "*"` user), never as a role.
 */
import { createHash } from "node:crypto";
import { CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { zipSync } from "fflate";
import type { Test } from "tap";
import { type ConsumerTestEnv, setupConsumerEnv } from "../../../consumer/test/helper.ts";
import { bootstrapAws } from "../../../lib/testing/aws-bootstrap.ts";
import { DEFAULT_CLIENT, DEFAULT_ORGANIZATION_ID, DEFAULT_REFRESH_TOKEN } from "../../../scripts/zoho-sim/app.ts";
import type { Synthesized } from "../helpers.ts";
import {
  forMoto,
  NAMES,
  type PolicyDocument,
  ROLES,
  type RoleKey,
  STAND_IN_CONFIG,
  standInStack,
  synthesizedPolicies,
  toStandIn,
} from "./policies.ts";
import { ACCOUNT_ID, type AccessKey, REGION, type StandIn, startStandIn } from "./stand-in.ts";

export interface World {
  readonly standIn: StandIn;
  readonly stack: Synthesized;
  readonly e: ConsumerTestEnv;
  readonly queueUrl: string;
  readonly dlqUrl: string;
  /** moto's ARN of each secret, by the stack's secret name. */
  readonly secretArns: ReadonlyMap<string, string>;
  readonly rotationTopicArn: string;
  /** Each role's documents as given to its user (after the stand-in's ARNs were put in). */
  readonly documents: Readonly<Record<RoleKey, PolicyDocument[]>>;
  readonly keys: Readonly<Record<RoleKey, AccessKey>>;
  /** Users each missing one statement of a role (the negative controls). */
  readonly without: (role: RoleKey, sid: string) => Promise<AccessKey>;
}

export const API_KEY = "iam-test-key-0123456789abcdef0123456789abcdef";
export const ADMIN_KEY = "iam-admin-key-0123456789abcdef0123456789abcdef";
const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const ALLOW_ALL = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
});

/** The stack's secrets with values that work against the local stand-ins, under the stack's names. */
function secretValues(tokenKey: string): Record<string, string> {
  const login = (username: string) => JSON.stringify({ username, password: "not-used-locally-0123456789" });
  const prefix = `bill-mw-${STAND_IN_CONFIG.name}`;
  return {
    [NAMES.zohoOAuthSecret]: JSON.stringify({
      client_id: DEFAULT_CLIENT.clientId,
      client_secret: DEFAULT_CLIENT.clientSecret,
      organization_id: DEFAULT_ORGANIZATION_ID,
      refresh_token: DEFAULT_REFRESH_TOKEN,
    }),
    [NAMES.apiKeysSecret]: JSON.stringify([{ name: "netsuite-iam", sha256: sha(API_KEY) }]),
    [NAMES.adminApiKeysSecret]: JSON.stringify([{ name: "ops-iam", sha256: sha(ADMIN_KEY) }]),
    [NAMES.redisAuthSecret]: "redis-token-not-used-locally",
    // The worker's key (consumer/test/helper.ts): both entry points read the same stored refresh token.
    [NAMES.tokenEncryptionKeySecret]: tokenKey,
    [`${prefix}/db-ingest`]: login("bill_mw_ingest"),
    [`${prefix}/db-delivery`]: login("bill_mw_delivery"),
    [`${prefix}/db-oncall`]: login("bill_mw_oncall"),
  };
}

/** Resources no process creates: secrets, the warning topic, the release parameter, bucket, Lambdas. */
async function createResources(
  s: StandIn,
  tokenKey: string,
): Promise<{ secretArns: Map<string, string>; topicArn: string }> {
  const secrets = new SecretsManagerClient({});
  const secretArns = new Map<string, string>();
  for (const [Name, SecretString] of Object.entries(secretValues(tokenKey))) {
    secretArns.set(Name, String((await secrets.send(new CreateSecretCommand({ Name, SecretString }))).ARN));
  }
  secrets.destroy();
  const sns = new SNSClient({});
  const topicArn = String(
    (await sns.send(new CreateTopicCommand({ Name: `bill-mw-${STAND_IN_CONFIG.name}-warning` }))).TopicArn,
  );
  sns.destroy();
  const ssm = new SSMClient({});
  await ssm.send(new PutParameterCommand({ Name: NAMES.releaseParameter, Value: "0.1.0", Type: "String" }));
  ssm.destroy();
  const role = await s.createRole(
    "lambda-exec",
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
  );
  const lambda = new LambdaClient({});
  const code = zipSync({ "lambda.mjs": new TextEncoder().encode("export const handler = async () => {};") });
  for (const FunctionName of [NAMES.burstFunction, NAMES.secretRotationFunction]) {
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName,
        Runtime: "nodejs20.x",
        Role: role,
        Handler: "lambda.handler",
        Code: { ZipFile: code },
      }),
    );
  }
  lambda.destroy();
  return { secretArns, topicArn };
}

/** Starts the stand-in, creates everything, then switches enforcement on. */
export async function buildWorld(t: Test): Promise<World> {
  const standIn = await startStandIn();
  t.teardown(() => standIn.stop());
  const admin = await standIn.createUser("bootstrap-admin", [ALLOW_ALL]);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: standIn.url,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: admin.accessKeyId,
    AWS_SECRET_ACCESS_KEY: admin.secretAccessKey,
  });
  const e = await setupConsumerEnv(t, {
    env: { ZOHO_RATE_LIMIT_PER_MINUTE: "500" },
    sim: { limits: { perWindow: 1000 } },
  });
  const { queueUrl, dlqUrl } = await bootstrapAws(
    { s3: e.s3, sqs: e.sqs },
    {
      incomingBucket: NAMES.incomingBucket,
      processedBucket: NAMES.processedBucket,
      queue: NAMES.queue,
      deadLetterQueue: NAMES.deadLetterQueue,
    },
    { maxReceiveCount: STAND_IN_CONFIG.maxReceiveCount, visibilityTimeoutS: 6 },
  );
  await e.s3.send(new CreateBucketCommand({ Bucket: NAMES.artifactsBucket }));
  const { secretArns, topicArn } = await createResources(standIn, String(e.env.TOKEN_ENCRYPTION_KEY));
  const stack = standInStack();
  const arns = {
    secretArn: (name: string) => {
      const arn = secretArns.get(name);
      if (!arn) throw new Error(`the stand-in has no secret ${name}`);
      return arn;
    },
  };
  const documents = Object.fromEntries(
    Object.entries(ROLES).map(([k, name]) => [
      k,
      synthesizedPolicies(stack, name).map((p) => toStandIn(stack, p, arns)),
    ]),
  ) as Record<RoleKey, PolicyDocument[]>;
  const keys = {} as Record<RoleKey, AccessKey>;
  for (const k of Object.keys(ROLES) as RoleKey[]) keys[k] = await standIn.createUser(k, documents[k].map(forMoto));
  const withoutUsers = new Map<string, AccessKey>();
  for (const [role, sid] of NEGATIVE_CONTROLS) {
    const docs = documents[role].map((d) => ({ ...d, Statement: d.Statement.filter((s) => s.Sid !== sid) }));
    withoutUsers.set(`${role}/${sid}`, await standIn.createUser(`${role}-without-${sid}`, docs.map(forMoto)));
  }
  await standIn.enforce();
  return {
    standIn,
    stack,
    e,
    queueUrl,
    dlqUrl,
    secretArns,
    rotationTopicArn: topicArn,
    documents,
    keys,
    without: async (role, sid) => {
      const key = withoutUsers.get(`${role}/${sid}`);
      if (!key) throw new Error(`no negative-control user for ${role}/${sid}`);
      return key;
    },
  };
}

/** The statements the negative controls remove (each user is created before enforcement starts). */
export const NEGATIVE_CONTROLS: readonly (readonly [RoleKey, string])[] = [
  ["ingest", "StorePdf"],
  ["oncall", "Redrive"],
  ["worker", "DeadLetters"],
  ["worker", "MarkStoredOnce"],
];

export { ACCOUNT_ID };
