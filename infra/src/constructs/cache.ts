import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { ElasticacheReplicationGroup } from "@cdktf/provider-aws/lib/elasticache-replication-group/index.js";
import { ElasticacheSubnetGroup } from "@cdktf/provider-aws/lib/elasticache-subnet-group/index.js";
import { Construct } from "constructs";

export interface CacheProps {
  /** Prefix of the replication group, its subnet group and its log groups. Required; no default. */
  readonly namePrefix: string;
  /** Data subnets, one per AZ. Required; no default. */
  readonly subnetIds: string[];
  /** Redis's security group. Required; no default. */
  readonly securityGroupId: string;
  /** CMK of the data at rest. Required; no default. */
  readonly kmsKeyArn: string;
  /** CMK of the slow-log group. Required; no default. */
  readonly logsKeyArn: string;
  /** Retention of the slow-log group, days. Required; no default. */
  readonly logRetentionDays: number;
  /** ElastiCache node type. Required; no default (environments.ts). */
  readonly nodeType: string;
  /** Primary plus replicas; at least 2 for automatic failover. Required; no default. */
  readonly nodes: number;
  /** AUTH token (from Secrets Manager). Required; no default. */
  readonly authToken: string;
}

/**
 * Redis replication group for the token cache, rate limiter and API rate limits: one primary and
 * replicas spread over the data subnets, Multi-AZ with automatic failover, TLS required, encrypted
 * at rest with a CMK, AUTH token from Secrets Manager, daily snapshots, slow log to CloudWatch.
 */
export class Cache extends Construct {
  public readonly replicationGroupId: string;
  public readonly primaryEndpoint: string;

  constructor(scope: Construct, id: string, props: CacheProps) {
    super(scope, id);
    if (props.nodes < 2) throw new Error("Cache needs at least 2 nodes for Multi-AZ automatic failover");
    this.replicationGroupId = `${props.namePrefix}-redis`;
    const subnets = new ElasticacheSubnetGroup(this, "subnets", {
      name: `${props.namePrefix}-data`,
      subnetIds: props.subnetIds,
    });
    const slowLog = new CloudwatchLogGroup(this, "slow-log", {
      name: `/bill-mw/${props.namePrefix}/redis-slow-log`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logsKeyArn,
    });
    const group = new ElasticacheReplicationGroup(this, "redis", {
      replicationGroupId: this.replicationGroupId,
      description: "Bill middleware: Zoho token cache, fleet rate limiter, API rate limits",
      engine: "redis",
      engineVersion: "7.1",
      nodeType: props.nodeType,
      numCacheClusters: props.nodes,
      port: 6379,
      subnetGroupName: subnets.name,
      securityGroupIds: [props.securityGroupId],
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      atRestEncryptionEnabled: "true",
      kmsKeyId: props.kmsKeyArn,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      authToken: props.authToken,
      authTokenUpdateStrategy: "ROTATE",
      autoMinorVersionUpgrade: "true",
      snapshotRetentionLimit: 7,
      snapshotWindow: "02:00-03:00",
      maintenanceWindow: "sun:05:30-sun:06:30",
      logDeliveryConfiguration: [
        { destination: slowLog.name, destinationType: "cloudwatch-logs", logFormat: "json", logType: "slow-log" },
      ],
    });
    this.primaryEndpoint = group.primaryEndpointAddress;
  }
}
