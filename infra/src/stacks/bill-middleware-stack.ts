import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter/index.js";
import { S3Backend, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { resourceNames } from "../../../lib/naming.ts";
import { Cache } from "../constructs/cache.ts";
import { Database } from "../constructs/database.ts";
import { Endpoints } from "../constructs/endpoints.ts";
import { createKmsKeys } from "../constructs/kms-keys.ts";
import { Network } from "../constructs/network.ts";
import { Queue } from "../constructs/queue.ts";
import { Secrets } from "../constructs/secrets.ts";
import { SecurityGroups } from "../constructs/security-groups.ts";
import { Storage } from "../constructs/storage.ts";
import type { EnvironmentConfig } from "../environments.ts";
import { APP_PORT, wireApplication } from "./application.ts";
import type { Foundation, StackContext } from "./context.ts";
import { wireOperations } from "./operations.ts";
import { wireOutputs } from "./outputs.ts";

/**
 * Everything one environment runs on, wired in dependency order: the foundation (keys, network,
 * storage, queue, secrets), the data stores, the application (edge, fleet, burst Lambda,
 * application.ts), operations (CloudTrail, alarms, rotation, dashboards, operations.ts) and the
 * outputs. Every construct is a direct child of the stack: its id is its Terraform address, so the
 * layer functions take the stack as scope instead of wrapping their constructs in a new one.
 */
export class BillMiddlewareStack extends TerraformStack {
  constructor(scope: Construct, id: string, config: EnvironmentConfig) {
    super(scope, id);
    const ctx: StackContext = {
      config,
      names: resourceNames(config.name, config.accountId),
      namePrefix: `bill-mw-${config.name}`,
    };
    this.#providerAndState(config);
    const foundation = this.#foundation(ctx);
    const data = this.#dataStores(ctx, foundation);
    const app = wireApplication(this, ctx, foundation, data);
    const operations = wireOperations(this, ctx, foundation, data, app);
    wireOutputs(this, ctx, { ...foundation, ...data, ...app, ...operations });
  }

  /** The AWS provider (account guard, default tags) and the S3 state backend with S3-native locking. */
  #providerAndState(config: EnvironmentConfig): void {
    new AwsProvider(this, "aws", {
      region: config.region,
      allowedAccountIds: [config.accountId],
      defaultTags: [{ tags: { Project: "bill-middleware", Environment: config.name, ManagedBy: "cdktf" } }],
    });
    const backend = new S3Backend(this, {
      bucket: config.stateBucket,
      key: `bill-middleware/${config.name}.tfstate`,
      region: config.region,
      encrypt: true,
    });
    // S3-native state locking (Terraform >= 1.10, OpenTofu >= 1.10); replaces the DynamoDB lock table.
    backend.addOverride("use_lockfile", true);
  }

  /** Keys, network, storage, queue, secrets and the release parameter: what every later layer uses. */
  #foundation({ config, names, namePrefix }: StackContext): Foundation {
    const { accountId, region } = config;
    const keys = createKmsKeys(this, { namePrefix, accountId, region });
    const network = new Network(this, "network", {
      namePrefix,
      availabilityZones: config.availabilityZones,
      logsKeyArn: keys.logs.arn,
      logRetentionDays: config.logRetentionDays,
    });
    const sgs = new SecurityGroups(this, "security-groups", { namePrefix, vpcId: network.vpcId, appPort: APP_PORT });
    new Endpoints(this, "endpoints", {
      region,
      accountId,
      vpcId: network.vpcId,
      subnetIds: network.appSubnetIds,
      securityGroupId: sgs.endpointsId,
      routeTableIds: network.privateRouteTableIds,
    });
    const storage = new Storage(this, "storage", { names, accountId, storageKeyArn: keys.storage.arn });
    const queue = new Queue(this, "queue", {
      queueName: names.queue,
      deadLetterQueueName: names.deadLetterQueue,
      kmsKeyArn: keys.messaging.arn,
      maxReceiveCount: config.maxReceiveCount,
      workerBudgetSeconds: config.workerBudgetSeconds,
      // The burst Lambda gets the worker's budget (application.ts); the queue sizes its visibility on both.
      lambdaTimeoutSeconds: config.workerBudgetSeconds,
    });
    const secrets = new Secrets(this, "secrets", { names, kmsKeyArn: keys.secrets.arn });
    const release = new SsmParameter(this, "release-version", {
      name: names.releaseParameter,
      description: "Release the app fleet installs at boot (written by scripts/release/cli.ts)",
      type: "String",
      value: config.initialReleaseVersion,
      lifecycle: { ignoreChanges: ["value"] },
    });
    return { keys, network, sgs, storage, queue, secrets, release };
  }

  /** PostgreSQL and Redis in the data subnets, encrypted with the data key. */
  #dataStores({ config, namePrefix }: StackContext, { keys, network, sgs, secrets }: Foundation) {
    const shared = {
      namePrefix,
      subnetIds: network.dataSubnetIds,
      kmsKeyArn: keys.data.arn,
      logsKeyArn: keys.logs.arn,
      logRetentionDays: config.logRetentionDays,
    };
    const database = new Database(this, "database", {
      ...shared,
      securityGroupId: sgs.rdsId,
      instanceClass: config.dbInstanceClass,
      multiAz: config.dbMultiAz ?? true,
      allocatedStorageGb: config.dbAllocatedStorageGb,
      maxAllocatedStorageGb: config.dbMaxAllocatedStorageGb,
      backupRetentionDays: config.dbBackupRetentionDays,
    });
    const cache = new Cache(this, "cache", {
      ...shared,
      securityGroupId: sgs.redisId,
      nodeType: config.cacheNodeType,
      nodes: config.cacheNodes,
      authToken: secrets.redisAuthToken,
    });
    return { database, cache };
  }
}
