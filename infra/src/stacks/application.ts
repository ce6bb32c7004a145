import type { Construct } from "constructs";
import { BurstConsumer } from "../constructs/burst-consumer.ts";
import { Compute } from "../constructs/compute.ts";
import { Edge } from "../constructs/edge.ts";
import { appLogGroupNames } from "../constructs/observability.ts";
import { LOG_PREFIXES } from "../constructs/storage.ts";
import { type AppSettings, appSettings, burstConsumerEnvironment } from "./app-settings.ts";
import type { Application, DataStores, Foundation, FunctionBase, StackContext } from "./context.ts";
import {
  appInstanceStatements,
  burstConsumerStatements,
  logGroupStreamsArn,
  type WorkloadResources,
} from "./role-statements.ts";

/** Port the service listens on (lib/config.ts PORT default). */
export const APP_PORT = 3000;

/**
 * The application layer: the ALB, the app fleet (service + worker on each instance) and the burst
 * Lambda. Settings come from app-settings.ts, each role's statements from role-statements.ts.
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
  });
  const workload = workloadResources(ctx, f, d);
  const settings = settingsFor(ctx, f, edge);
  const compute = wireFleet(scope, ctx, f, d, { edge, workload, settings });
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
    permissions: burstConsumerStatements(workload),
    // Secrets are named, not copied: lib/secret-env.ts resolves them at cold start.
    environment: burstConsumerEnvironment(settings, {
      ZOHO_OAUTH_SECRET_ID: secrets.zohoOAuthArn,
      TOKEN_ENCRYPTION_KEY_SECRET_ID: secrets.tokenEncryptionKeyArn,
      DATABASE_SECRET_ID: d.database.masterSecretArn,
      DATABASE_HOST: d.database.address,
      DATABASE_NAME: d.database.databaseName,
      REDIS_AUTH_SECRET_ID: secrets.redisAuthArn,
      REDIS_HOST: d.cache.primaryEndpoint,
    }),
  });
  return { edge, compute, burst, functionBase };
}

/** The ARNs the service and the worker touch, for their roles' statements. */
function workloadResources({ names }: StackContext, f: Foundation, d: DataStores): WorkloadResources {
  const { keys, storage, queue, secrets } = f;
  return {
    incomingBucketArn: storage.incoming.arn,
    processedBucketArn: storage.processed.arn,
    queueArn: queue.arn,
    dlqArn: queue.dlqArn,
    secretArns: [
      secrets.zohoOAuthArn,
      secrets.apiKeysArn,
      secrets.redisAuthArn,
      secrets.tokenEncryptionKeyArn,
      d.database.masterSecretArn,
    ],
    keyArns: [keys.storage.arn, keys.messaging.arn, keys.secrets.arn, keys.data.arn],
    metricsNamespace: names.metricsNamespace,
  };
}

/** The processes' non-secret settings (app-settings.ts), from this environment's resources. */
function settingsFor({ config, names }: StackContext, { keys, queue, secrets }: Foundation, edge: Edge): AppSettings {
  return appSettings({
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
  });
}

interface FleetInputs {
  readonly edge: Edge;
  readonly workload: WorkloadResources;
  readonly settings: AppSettings;
}

/** The app fleet: launch template, ASG and scaling, its role's statements and its boot script. */
function wireFleet(scope: Construct, ctx: StackContext, f: Foundation, d: DataStores, i: FleetInputs): Compute {
  const { config, names, namePrefix } = ctx;
  const { secrets } = f;
  const logGroups = appLogGroupNames(namePrefix);
  const streams = (name: string) => logGroupStreamsArn(config.region, config.accountId, name);
  return new Compute(scope, "compute", {
    namePrefix,
    autoScalingGroupName: names.autoScalingGroup,
    instanceType: config.instanceType,
    subnetIds: f.network.appSubnetIds,
    securityGroupId: f.sgs.appId,
    targetGroupArn: i.edge.targetGroupArn,
    ebsKeyArn: f.keys.data.arn,
    minSize: config.minInstances,
    maxSize: config.maxInstances,
    cpuTargetPercent: config.cpuTargetPercent,
    backlogPerInstanceTarget: config.backlogPerInstanceTarget,
    queueName: names.queue,
    scheduleTimeZone: config.scheduleTimeZone,
    nightSchedule: config.nightSchedule,
    morningSchedule: config.morningSchedule,
    permissions: appInstanceStatements({
      ...i.workload,
      artifactsBucketArn: f.storage.artifacts.arn,
      releaseParameterArn: f.release.arn,
      adminApiKeysSecretArn: secrets.adminApiKeysArn,
      agentLogGroupArns: [streams(logGroups.service), streams(logGroups.worker)],
    }),
    userData: {
      environment: config.name,
      region: config.region,
      releaseParameter: names.releaseParameter,
      artifactsBucket: names.artifactsBucket,
      settings: i.settings,
      zohoOAuthSecretArn: secrets.zohoOAuthArn,
      databaseSecretArn: d.database.masterSecretArn,
      databaseHost: d.database.address,
      databaseName: d.database.databaseName,
      redisAuthSecretArn: secrets.redisAuthArn,
      redisHost: d.cache.primaryEndpoint,
      tokenEncryptionKeySecretArn: secrets.tokenEncryptionKeyArn,
      adminApiKeysSecretArn: secrets.adminApiKeysArn,
      logGroups,
      stopTimeoutSeconds: config.workerBudgetSeconds + 30,
    },
  });
}
