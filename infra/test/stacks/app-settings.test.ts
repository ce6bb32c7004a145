/**
 * The settings map on its own: every name is one lib/config.ts reads (checked by the compiler and
 * again here at run time), the map parses into the configuration the processes expect, and wired
 * to a Lambda in a bare TerraformStack its values become references to that stack's resources.
 */
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function/index.js";
import t from "tap";
import {
  type BaseConfig,
  baseSchema,
  loadServiceConfig,
  loadWorkerConfig,
  serviceSchema,
  workerSchema,
} from "../../../lib/config.ts";
import { SECRET_ENV_INPUTS } from "../../../lib/secret-env.ts";
import { createKmsKeys } from "../../src/constructs/kms-keys.ts";
import { NodeFunction } from "../../src/constructs/node-function.ts";
import { Queue } from "../../src/constructs/queue.ts";
import {
  type AppSettingsInputs,
  appSettings,
  baseSettings,
  burstConsumerEnvironment,
  databaseSecretSettings,
  type SettingsOf,
  serviceSettings,
  workerSettings,
} from "../../src/stacks/app-settings.ts";
import { resource, synthAlone } from "../helpers.ts";

const inputs: AppSettingsInputs = {
  environment: "staging",
  region: "us-east-1",
  incomingBucket: "bill-mw-staging-incoming-111111111111",
  processedBucket: "bill-mw-staging-processed-111111111111",
  storageKeyArn: "arn:aws:kms:us-east-1:111111111111:key/storage",
  queueUrl: "https://sqs.us-east-1.amazonaws.com/111111111111/bill-mw-staging-bills",
  dlqUrl: "https://sqs.us-east-1.amazonaws.com/111111111111/bill-mw-staging-bills-dlq",
  metricsNamespace: "BillMiddleware",
  apiKeysSecretArn: "arn:aws:secretsmanager:us-east-1:111111111111:secret:api-keys",
  publicBaseUrl: "https://api.staging.bills.example.com",
  maxReceiveCount: 5,
  workerBudgetSeconds: 120,
  zohoDailyQuota: 1000,
  zohoDataCenter: "eu",
};

// A name lib/config.ts does not read is a type error: `tsc --noEmit` fails if this one compiles.
// @ts-expect-error QUEUE_ARN is not a key of lib/config.ts's base schema
const misnamed = { QUEUE_ARN: "x" } satisfies SettingsOf<BaseConfig>;
void misnamed;

t.test("each group names only variables its process's schema reads", async (t) => {
  const keys = (o: object) => Object.keys(o);
  for (const k of keys(baseSettings(inputs))) t.ok(k in baseSchema.shape, `${k} in base`);
  for (const k of keys(serviceSettings(inputs))) {
    t.ok(k in serviceSchema.shape && !(k in workerSchema.shape), `${k}: service only`);
  }
  for (const k of keys(workerSettings(inputs))) {
    t.ok(k in workerSchema.shape && !(k in serviceSchema.shape), `${k}: worker only`);
  }
  t.same(keys(appSettings(inputs)), [
    ...keys(baseSettings(inputs)),
    ...keys(serviceSettings(inputs)),
    ...keys(workerSettings(inputs)),
  ]);
});

t.test("the map parses into the configuration both processes expect", async (t) => {
  const settings = appSettings(inputs);
  const plumbing = { DATABASE_URL: "postgres://u:p@db:5432/bills", REDIS_URL: "rediss://:t@redis:6379" };
  const service = loadServiceConfig({ ...settings, ...plumbing });
  t.match(service, {
    ENVIRONMENT: "staging",
    QUEUE_URL: inputs.queueUrl,
    S3_KMS_KEY_ID: inputs.storageKeyArn,
    XRAY_ENABLED: true,
    API_KEYS_SECRET_ID: inputs.apiKeysSecretArn,
    PUBLIC_BASE_URL: inputs.publicBaseUrl,
    TRUST_PROXY_HOPS: 1,
    ZOHO_DAILY_QUOTA: inputs.zohoDailyQuota,
  });
  const secrets = {
    ZOHO_ORGANIZATION_ID: "123",
    ZOHO_CLIENT_ID: "1000.X",
    ZOHO_CLIENT_SECRET: "s",
    TOKEN_ENCRYPTION_KEY: "k".repeat(32),
  };
  const worker = loadWorkerConfig({ ...settings, ...plumbing, ...secrets });
  t.match(worker, {
    WORKER_MAX_RECEIVES: 5,
    WORKER_VISIBILITY_TIMEOUT_S: 120,
    DLQ_URL: inputs.dlqUrl,
    ZOHO_DAILY_QUOTA: inputs.zohoDailyQuota,
  });
  t.equal(service.ZOHO_DAILY_QUOTA, worker.ZOHO_DAILY_QUOTA, "one quota: the workers enforce it, the console shows it");
});

t.test("the burst Lambda's environment adds the secrets' names, never their values", async (t) => {
  const names = Object.values(SECRET_ENV_INPUTS).flat();
  const secretInputs = Object.fromEntries(names.map((n) => [n, `id-of-${n}`])) as Record<
    (typeof names)[number],
    string
  >;
  const env = burstConsumerEnvironment(appSettings(inputs), secretInputs);
  t.match(env, appSettings(inputs), "every setting kept");
  t.match(env, secretInputs);
  t.equal(env.NODE_EXTRA_CA_CERTS, "/var/runtime/ca-cert.pem");
  t.same(Object.keys(env).length, Object.keys(appSettings(inputs)).length + names.length + 1);
});

t.test(
  "GIVEN a bare stack with a queue and keys WHEN the settings feed a Lambda THEN they reference them",
  async (t) => {
    const s = synthAlone((stack) => {
      const keys = createKmsKeys(stack, { namePrefix: "bill-mw-test", accountId: "111111111111", region: "us-east-1" });
      const queue = new Queue(stack, "queue", {
        queueName: "bills",
        deadLetterQueueName: "bills-dlq",
        kmsKeyArn: keys.messaging.arn,
        maxReceiveCount: 5,
        workerBudgetSeconds: 120,
        lambdaTimeoutSeconds: 120,
      });
      new NodeFunction(stack, "fn", {
        functionName: "settings-test",
        description: "settings",
        handler: "lambda.handler",
        artifactsBucket: "artifacts",
        initialReleaseVersion: "0.1.0",
        subnetIds: ["subnet-1"],
        securityGroupId: "sg-1",
        permissions: [],
        envKeyArn: keys.secrets.arn,
        logsKeyArn: keys.logs.arn,
        logRetentionDays: 365,
        timeoutSeconds: 120,
        reservedConcurrency: 1,
        environment: appSettings({
          ...inputs,
          storageKeyArn: keys.storage.arn,
          queueUrl: queue.url,
          dlqUrl: queue.dlqUrl,
        }),
      });
    });
    const vars = (resource(s, LambdaFunction.tfResourceType, "fn_function").environment as { variables: Json })
      .variables;
    t.match(vars, {
      ENVIRONMENT: "staging",
      S3_KMS_KEY_ID: /^\$\{aws_kms_key\.key-storage_key_[0-9A-F]{8}\.arn\}$/,
      QUEUE_URL: /^\$\{aws_sqs_queue\.queue_[^.]+\.url\}$/,
      DLQ_URL: /^\$\{aws_sqs_queue\.queue_[^.]+\.url\}$/,
      WORKER_MAX_RECEIVES: "5",
    });
    t.not(vars.QUEUE_URL, vars.DLQ_URL);
  },
);

type Json = Record<string, unknown>;

t.test(
  "the Zoho plan settings reach the worker: quota, data centre, default expense account only when set",
  async (t) => {
    const plumbing = { DATABASE_URL: "postgres://u:p@db:5432/bills", REDIS_URL: "rediss://:t@redis:6379" };
    const zoho = {
      ZOHO_ORGANIZATION_ID: "1",
      ZOHO_CLIENT_ID: "c",
      ZOHO_CLIENT_SECRET: "s",
      TOKEN_ENCRYPTION_KEY: "k".repeat(32),
    };
    const without = loadWorkerConfig({ ...appSettings(inputs), ...plumbing, ...zoho });
    t.equal(without.ZOHO_DAILY_QUOTA, 1000);
    t.equal(without.ZOHO_DATA_CENTER, "eu");
    t.equal(without.ZOHO_DEFAULT_EXPENSE_ACCOUNT_ID, undefined);
    t.notOk("ZOHO_DEFAULT_EXPENSE_ACCOUNT_ID" in workerSettings(inputs), "absent, not empty, when unset");
    const withAccount = workerSettings({ ...inputs, zohoDefaultExpenseAccountId: "460000000000361" });
    t.equal(withAccount.ZOHO_DEFAULT_EXPENSE_ACCOUNT_ID, "460000000000361");
    t.throws(
      () =>
        loadWorkerConfig({
          ...workerSettings({ ...inputs, zohoDefaultExpenseAccountId: "acct-1" }),
          ...baseSettings(inputs),
          ...plumbing,
          ...zoho,
        }),
      /ZOHO_DEFAULT_EXPENSE_ACCOUNT_ID/,
      "a non-numeric account id stops the worker naming the setting",
    );
    t.same(databaseSecretSettings("arn:db"), { DATABASE_SECRET_ID: "arn:db" });
  },
);
