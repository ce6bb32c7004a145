import type { Construct } from "constructs";
import { fleetGroups } from "../../../lib/naming.ts";
import { BurstConsumer } from "../constructs/burst-consumer.ts";
import { DatabaseLogins } from "../constructs/database-logins.ts";
import { Edge } from "../constructs/edge.ts";
import { LOG_PREFIXES } from "../constructs/storage.ts";
import { OPERATOR_PATHS, Waf } from "../constructs/waf.ts";
import { type AppSettingsInputs, burstConsumerEnvironment, workerProcessSettings } from "./app-settings.ts";
import type { Application, DataStores, Foundation, FunctionBase, StackContext } from "./context.ts";
import { wireFleet } from "./fleet.ts";
import { burstConsumerStatements, type ResourceArns } from "./role-statements.ts";

/** Port the service listens on (lib/config.ts PORT default). */
export const APP_PORT = 3000;

/**
 * The application layer: the ALB, the fleet's tiers and the people's roles (fleet.ts), the database
 * logins and the burst Lambda. Settings come from app-settings.ts, each role's statements from
 * role-statements.ts, which builds them from each process's action list.
 * Constructs are created directly in `scope` (the stack), so their Terraform addresses stay put.
 */
export function wireApplication(scope: Construct, ctx: StackContext, f: Foundation, d: DataStores): Application {
  const { config, names, namePrefix } = ctx;
  const { keys, network, sgs, storage, queue, secrets } = f;
  const edge = new Edge(scope, "edge", {
    namePrefix,
    vpcId: network.vpcId,
    publicSubnetIds: network.publicSubnetIds,
    securityGroupId: sgs.albId,
    hostedZoneName: config.hostedZoneName,
    domainName: config.domainName,
    tlsPolicy: config.tlsPolicy,
    deletionProtection: config.albDeletionProtection,
    accessLogBucket: storage.accessLogs.bucket,
    accessLogPrefix: LOG_PREFIXES.alb,
    appPort: APP_PORT,
    internalPaths: OPERATOR_PATHS,
  });
  new Waf(scope, "waf", {
    namePrefix,
    albArn: edge.albArn,
    logsKeyArn: keys.logs.arn,
    logRetentionDays: config.logRetentionDays,
    allowedCidrs: config.netsuiteEgressCidrs,
  });
  const logins = new DatabaseLogins(scope, "database-logins", { namePrefix, kmsKeyArn: keys.secrets.arn });
  const arns = resourceArns(ctx, f, logins);
  const settingsInputs = settingsInputsFor(ctx, f, edge);
  const fleet = wireFleet(scope, ctx, f, d, { edge, logins, arns, settingsInputs });
  const functionBase: FunctionBase = {
    artifactsBucket: names.artifactsBucket,
    initialReleaseVersion: config.initialReleaseVersion,
    subnetIds: network.appSubnetIds,
    securityGroupId: sgs.lambdaId,
    envKeyArn: keys.secrets.arn,
    logsKeyArn: keys.logs.arn,
    logRetentionDays: config.logRetentionDays,
  };
  const burst = new BurstConsumer(scope, "burst", {
    ...functionBase,
    functionName: names.burstFunction,
    queueArn: queue.arn,
    maxConcurrency: config.burstMaxConcurrency,
    reservedConcurrency: config.burstReservedConcurrency,
    timeoutSeconds: config.workerBudgetSeconds,
    permissions: burstConsumerStatements(arns),
    // Secrets are named, not copied: lib/secret-env.ts resolves them at cold start.
    environment: burstConsumerEnvironment(workerProcessSettings(settingsInputs), {
      ZOHO_OAUTH_SECRET_ID: secrets.zohoOAuthArn,
      TOKEN_ENCRYPTION_KEY_SECRET_ID: secrets.tokenEncryptionKeyArn,
      DATABASE_SECRET_ID: logins.deliveryArn,
      DATABASE_HOST: d.database.address,
      DATABASE_NAME: d.database.databaseName,
      REDIS_AUTH_SECRET_ID: secrets.redisAuthArn,
      REDIS_HOST: d.cache.primaryEndpoint,
    }),
  });
  return { edge, compute: fleet.front, fleet, burst, functionBase, arns };
}

/** Each resource a process's action list may name (lib/aws-actions.ts), as this stack's ARNs. */
function resourceArns({ config, names }: StackContext, f: Foundation, logins: DatabaseLogins): ResourceArns {
  const { keys, storage, queue, secrets, release } = f;
  const { region, accountId } = config;
  const fn = (name: string) => `arn:aws:lambda:${region}:${accountId}:function:${name}`;
  const asg = (name: string) =>
    `arn:aws:autoscaling:${region}:${accountId}:autoScalingGroup:*:autoScalingGroupName/${name}`;
  return {
    "incoming-objects": [`${storage.incoming.arn}/*`],
    "processed-objects": [`${storage.processed.arn}/*`],
    "release-bundles": [`${storage.artifacts.arn}/releases/*`],
    queue: [queue.arn],
    dlq: [queue.dlqArn],
    "api-keys-secret": [secrets.apiKeysArn],
    "admin-api-keys-secret": [secrets.adminApiKeysArn],
    "zoho-oauth-secret": [secrets.zohoOAuthArn],
    "token-key-secret": [secrets.tokenEncryptionKeyArn],
    "redis-auth-secret": [secrets.redisAuthArn],
    "db-ingest-secret": [logins.ingestArn],
    "db-delivery-secret": [logins.deliveryArn],
    "db-oncall-secret": [logins.oncallArn],
    "rotated-secrets": [secrets.zohoOAuthArn, secrets.apiKeysArn, secrets.adminApiKeysArn],
    // The rotation's topic is the warning topic, made later by the operations layer (operations.ts).
    "rotation-topic": [],
    "storage-key": [keys.storage.arn],
    "messaging-key": [keys.messaging.arn],
    "secrets-key": [keys.secrets.arn],
    "release-parameter": [release.arn],
    "release-functions": [fn(names.burstFunction), fn(names.secretRotationFunction)],
    "fleet-groups": fleetGroups(names, config.fleet).map(asg),
    metricsNamespace: names.metricsNamespace,
  };
}

/** What the processes' non-secret settings come from (app-settings.ts), in this environment. */
function settingsInputsFor(
  { config, names }: StackContext,
  { keys, queue, secrets }: Foundation,
  edge: Edge,
): AppSettingsInputs {
  return {
    environment: config.name,
    region: config.region,
    incomingBucket: names.incomingBucket,
    processedBucket: names.processedBucket,
    storageKeyArn: keys.storage.arn,
    queueUrl: queue.url,
    dlqUrl: queue.dlqUrl,
    metricsNamespace: names.metricsNamespace,
    apiKeysSecretArn: secrets.apiKeysArn,
    publicBaseUrl: edge.url,
    maxReceiveCount: config.maxReceiveCount,
    workerBudgetSeconds: config.workerBudgetSeconds,
    zohoDailyQuota: config.zohoDailyQuota,
    zohoDataCenter: config.zohoDataCenter,
    zohoDefaultExpenseAccountId: config.zohoDefaultExpenseAccountId,
  };
}
