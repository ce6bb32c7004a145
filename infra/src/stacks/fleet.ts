import type { Construct } from "constructs";
import { Compute } from "../constructs/compute.ts";
import type { DatabaseLogins } from "../constructs/database-logins.ts";
import type { Edge } from "../constructs/edge.ts";
import { appLogGroupNames } from "../constructs/observability.ts";
import { OperatorRole } from "../constructs/operator-roles.ts";
import type { AppProcess, TierSecrets } from "../constructs/user-data.ts";
import {
  type AppSettingsInputs,
  adminDatabaseSecretSettings,
  baseSettings,
  databaseSecretSettings,
  serviceSettings,
  workerSettings,
} from "./app-settings.ts";
import type { DataStores, Foundation, StackContext } from "./context.ts";
import {
  type InstanceResources,
  ingestTierStatements,
  logGroupStreamsArn,
  oncallStatements,
  type ResourceArns,
  releaseStatements,
  singleTierStatements,
  workerTierStatements,
} from "./role-statements.ts";

/** What the fleet's tiers need from the application layer. */
export interface FleetInputs {
  readonly edge: Edge;
  readonly logins: DatabaseLogins;
  readonly arns: ResourceArns;
  readonly settingsInputs: AppSettingsInputs;
}

/** The tiers (ingest and worker, or the single tier) and the people's roles (on-call, release). */
export interface Fleet {
  /** The tier behind the ALB: `ingest`, or the single tier. Its ASG keeps the name alarms and release use. */
  readonly front: Compute;
  /** The worker tier (two-tier only). */
  readonly workers?: Compute;
  readonly oncallRoleArn: string;
  readonly releaseRoleArn: string;
}

interface TierPlan {
  readonly id: string;
  readonly tier: string;
  readonly asgName: string;
  readonly processes: readonly AppProcess[];
  readonly statements: (arns: ResourceArns, instance: InstanceResources) => ReturnType<typeof ingestTierStatements>;
}

/**
 * Settings of a tier's app.env: the base, the secret behind its DATABASE_URL (re-read on a rotated
 * password) and those of the processes it runs (app-settings.ts).
 */
function tierSettings(
  i: AppSettingsInputs,
  processes: readonly AppProcess[],
  secrets: TierSecrets,
): Record<string, string> {
  return {
    ...baseSettings(i),
    ...databaseSecretSettings(secrets.databaseSecretArn),
    ...(processes.includes("service") ? serviceSettings(i) : {}),
    ...(secrets.adminDatabaseSecretArn ? adminDatabaseSecretSettings(secrets.adminDatabaseSecretArn) : {}),
    ...(processes.includes("worker") ? workerSettings(i) : {}),
  };
}

/** Exactly the secrets the tier's processes read at boot (user-data-secrets.ts). */
function tierSecrets({ secrets }: Foundation, logins: DatabaseLogins, processes: readonly AppProcess[]): TierSecrets {
  const worker = processes.includes("worker");
  const service = processes.includes("service");
  return {
    // A single tier's one DATABASE_URL serves both processes: the delivery login (the wider one).
    databaseSecretArn: worker ? logins.deliveryArn : logins.ingestArn,
    redisAuthSecretArn: secrets.redisAuthArn,
    ...(worker
      ? { zohoOAuthSecretArn: secrets.zohoOAuthArn, tokenEncryptionKeySecretArn: secrets.tokenEncryptionKeyArn }
      : {}),
    ...(service ? { adminApiKeysSecretArn: secrets.adminApiKeysArn, adminDatabaseSecretArn: logins.oncallArn } : {}),
  };
}

function tierPlans(ctx: StackContext): TierPlan[] {
  const { config, names } = ctx;
  if (config.fleet === "single-tier") {
    return [
      {
        id: "compute",
        tier: "app",
        asgName: names.autoScalingGroup,
        processes: ["service", "worker"],
        statements: singleTierStatements,
      },
    ];
  }
  return [
    // The id "compute" and the ASG name `<prefix>-app` predate the tiers: alarms, dashboards and the
    // release command find the ingest tier by them, and renaming the id would replace the group.
    {
      id: "compute",
      tier: "ingest",
      asgName: names.autoScalingGroup,
      processes: ["service"],
      statements: ingestTierStatements,
    },
    {
      id: "workers",
      tier: "worker",
      asgName: names.workerAutoScalingGroup,
      processes: ["worker"],
      statements: workerTierStatements,
    },
  ];
}

/** One tier: its group, launch template, scaling, role and boot script. */
function wireTier(scope: Construct, ctx: StackContext, f: Foundation, d: DataStores, i: FleetInputs, plan: TierPlan) {
  const { config, names, namePrefix } = ctx;
  const logGroups = appLogGroupNames(namePrefix);
  const streams = (name: string) => logGroupStreamsArn(config.region, config.accountId, name);
  const secrets = tierSecrets(f, i.logins, plan.processes);
  const front = plan.processes.includes("service");
  const worker = plan.processes.includes("worker");
  return new Compute(scope, plan.id, {
    namePrefix,
    tier: plan.tier,
    autoScalingGroupName: plan.asgName,
    instanceType: config.instanceType,
    subnetIds: f.network.appSubnetIds,
    securityGroupId: f.sgs.appId,
    targetGroupArn: front ? i.edge.targetGroupArn : undefined,
    ebsKeyArn: f.keys.data.arn,
    minSize: config.minInstances,
    maxSize: config.maxInstances,
    cpuTargetPercent: front ? config.cpuTargetPercent : undefined,
    backlogPerInstanceTarget: worker ? config.backlogPerInstanceTarget : undefined,
    queueName: names.queue,
    scheduleTimeZone: config.scheduleTimeZone,
    nightSchedule: config.nightSchedule,
    morningSchedule: config.morningSchedule,
    permissions: plan.statements(i.arns, {
      artifactsBucketArn: f.storage.artifacts.arn,
      releaseParameterArn: f.release.arn,
      bootSecretArns: Object.values(secrets),
      secretsKeyArn: f.keys.secrets.arn,
      agentLogGroupArns: plan.processes.map((p) => streams(logGroups[p])),
    }),
    userData: {
      environment: config.name,
      region: config.region,
      processes: plan.processes,
      releaseParameter: names.releaseParameter,
      artifactsBucket: names.artifactsBucket,
      settings: tierSettings(i.settingsInputs, plan.processes, secrets),
      secrets,
      databaseHost: d.database.address,
      databaseName: d.database.databaseName,
      redisHost: d.cache.primaryEndpoint,
      oncallDatabaseSecretArn: worker ? i.logins.oncallArn : undefined,
      logGroups,
      stopTimeoutSeconds: config.workerBudgetSeconds + 30,
      rdsCaBundleSha256: config.rdsCaBundleSha256,
    },
  });
}

/** The tiers, then the on-call and release roles (on-call's shell is on the tier that runs the worker). */
export function wireFleet(scope: Construct, ctx: StackContext, f: Foundation, d: DataStores, i: FleetInputs): Fleet {
  const { config, namePrefix } = ctx;
  const plans = tierPlans(ctx);
  const [front, workers] = plans.map((plan) => wireTier(scope, ctx, f, d, i, plan));
  const workerTier = plans.find((p) => p.processes.includes("worker"))?.tier ?? "worker";
  const oncall = new OperatorRole(scope, "oncall", {
    roleName: `${namePrefix}-oncall`,
    description: "On-call: bill-mw-ops in a Session Manager shell on a worker instance (infra/README.md)",
    accountId: config.accountId,
    permissions: oncallStatements(i.arns, { region: config.region, accountId: config.accountId, tier: workerTier }),
  });
  const release = new OperatorRole(scope, "release", {
    roleName: `${namePrefix}-release`,
    description: "Release: scripts/release/cli.ts uploads the bundle, points the Lambdas and refreshes the fleet",
    accountId: config.accountId,
    permissions: releaseStatements(i.arns),
  });
  return { front: front!, workers, oncallRoleArn: oncall.arn, releaseRoleArn: release.arn };
}
