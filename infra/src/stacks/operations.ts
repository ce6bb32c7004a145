import type { Construct } from "constructs";
import { Budget } from "../constructs/budget.ts";
import { CloudTrail } from "../constructs/cloudtrail.ts";
import { Dashboards } from "../constructs/dashboards.ts";
import { Observability } from "../constructs/observability.ts";
import { SecretRotation } from "../constructs/secret-rotation.ts";
import { LOG_PREFIXES } from "../constructs/storage.ts";
import type { Application, DataStores, Foundation, Operations, StackContext } from "./context.ts";
import { rotationStatements } from "./role-statements.ts";

/**
 * The operations layer: CloudTrail, the alarm topics and alarms, the secret rotation and the
 * dashboards. Constructs are created directly in `scope` (the stack), so their addresses stay put.
 */
export function wireOperations(
  scope: Construct,
  { config, names, namePrefix }: StackContext,
  { keys, storage }: Foundation,
  { database, cache }: DataStores,
  app: Application,
): Operations {
  const { edge, functionBase } = app;
  // The id "audit" predates the glossary ("audit" is the Zoho call log only). It is part of the
  // trail's, its log group's and its role's Terraform addresses: renaming it would replace them.
  new CloudTrail(scope, "audit", {
    namePrefix,
    bucket: storage.accessLogs.bucket,
    prefix: LOG_PREFIXES.cloudtrail,
    kmsKeyArn: keys.logs.arn,
    logRetentionDays: config.logRetentionDays,
    dataEventBucketArns: [storage.incoming.arn, storage.processed.arn],
  });
  const observability = new Observability(scope, "observability", {
    namePrefix,
    messagingKeyArn: keys.messaging.arn,
    logsKeyArn: keys.logs.arn,
    logRetentionDays: config.logRetentionDays,
    alarmEmails: config.alarmEmails,
    paging: config.paging,
    targets: {
      environment: config.name,
      metricsNamespace: names.metricsNamespace,
      queueName: names.queue,
      dlqName: names.deadLetterQueue,
      albArnSuffix: edge.albArnSuffix,
      targetGroupArnSuffix: edge.targetGroupArnSuffix,
      dbInstanceId: database.identifier,
      autoScalingGroupName: names.autoScalingGroup,
      maxInstances: config.maxInstances,
      // Page at 10% of the allocated storage left (runbooks/rds-storage-low.md).
      dbFreeStorageBytes: Math.round(config.dbAllocatedStorageGb * 0.1 * 1024 ** 3),
      dbMaxConnections: database.maxConnections,
      // Member clusters of a cluster-mode-disabled replication group are <group>-001, -002, ...
      cacheNodeIds: Array.from({ length: config.cacheNodes }, (_, i) => `${cache.replicationGroupId}-00${i + 1}`),
      // Each instance runs two pools of a few connections; 1,000 on one node is a leak.
      cacheMaxConnections: 1000,
      burstFunctionName: names.burstFunction,
      fleetGroupNames: fleetGroupNames(app),
      zohoDailyQuota: config.zohoDailyQuota,
    },
  });
  new SecretRotation(scope, "secret-rotation", {
    ...functionBase,
    functionName: names.secretRotationFunction,
    timeoutSeconds: 60,
    reservedConcurrency: 1,
    memoryMb: 256,
    environment: { ENVIRONMENT: config.name },
    secretArns: app.arns["rotated-secrets"],
    topicArn: observability.topicArns.warning,
    permissions: rotationStatements({ ...app.arns, "rotation-topic": [observability.topicArns.warning] }),
    accountId: config.accountId,
  });
  wireDashboards(scope, { config, names, namePrefix }, { database, cache }, app);
  new Budget(scope, "budget", {
    namePrefix,
    limitUsd: config.monthlyBudgetUsd,
    emails: config.alarmEmails.warning,
  });
  return { observability };
}

/** The infrastructure, application and business dashboards. */
function wireDashboards(
  scope: Construct,
  { config, names, namePrefix }: StackContext,
  { database, cache }: DataStores,
  app: Pick<Application, "edge" | "burst" | "fleet">,
): void {
  new Dashboards(scope, "dashboards", {
    namePrefix,
    region: config.region,
    environment: config.name,
    metricsNamespace: names.metricsNamespace,
    albArnSuffix: app.edge.albArnSuffix,
    targetGroupArnSuffix: app.edge.targetGroupArnSuffix,
    fleetGroupNames: fleetGroupNames(app),
    dbInstanceId: database.identifier,
    cacheClusterId: cache.replicationGroupId,
    queueName: names.queue,
    dlqName: names.deadLetterQueue,
    burstFunctionName: app.burst.functionName,
  });
}

/** The fleet's groups, front tier first: the ingest and worker tiers, or the single tier. */
function fleetGroupNames({ fleet }: Pick<Application, "fleet">): string[] {
  return [fleet.front, fleet.workers].flatMap((c) => (c ? [c.autoScalingGroupName] : []));
}
