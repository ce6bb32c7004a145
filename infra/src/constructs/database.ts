import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance/index.js";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group/index.js";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js";
import { Construct } from "constructs";
import { assumeRolePolicy } from "./iam.ts";

/** Memory of the instance classes we use, GiB (AWS instance-type tables); max_connections follows it. */
export const DB_CLASS_MEMORY_GIB: Readonly<Record<string, number>> = {
  "db.t4g.micro": 1,
  "db.t4g.small": 2,
  "db.t4g.medium": 4,
  "db.t4g.large": 8,
  "db.r6g.large": 16,
  "db.r6g.xlarge": 32,
  "db.m6g.large": 8,
};

/**
 * max_connections set explicitly, so the 80% alarm and the server agree on one number: RDS's own
 * default formula (DBInstanceClassMemory / 9531392, at most 5000) with 10% off the nominal memory,
 * because DBInstanceClassMemory excludes what the OS and RDS processes reserve.
 */
export function maxConnectionsFor(instanceClass: string): number {
  const gib = DB_CLASS_MEMORY_GIB[instanceClass];
  if (gib === undefined) throw new Error(`unknown RDS instance class ${instanceClass}: add it to DB_CLASS_MEMORY_GIB`);
  return Math.min(5000, Math.floor(((gib * 1024 ** 3) / 9_531_392) * 0.9));
}

export interface DatabaseProps {
  /** Prefix of the instance (`<namePrefix>-postgres`), its groups and its monitoring role. Required; no default. */
  readonly namePrefix: string;
  /** Data subnets, one per AZ (Multi-AZ). Required; no default. */
  readonly subnetIds: string[];
  /** The database's security group. Required; no default. */
  readonly securityGroupId: string;
  /** CMK for storage, Performance Insights and the managed master-user secret. Required; no default. */
  readonly kmsKeyArn: string;
  /** CMK of the exported log groups. Required; no default. */
  readonly logsKeyArn: string;
  /** Retention of the exported logs, days. Required; no default. */
  readonly logRetentionDays: number;
  /** RDS instance class. Required; no default (environments.ts). */
  readonly instanceClass: string;
  /** Initial storage, GiB. Required; no default. */
  readonly allocatedStorageGb: number;
  /** Storage autoscaling ceiling, GiB. Required; no default. */
  readonly maxAllocatedStorageGb: number;
  /** Automated backups kept, days. Required; no default. */
  readonly backupRetentionDays: number;
  /** A synchronous standby in a second AZ. @default true */
  readonly multiAz?: boolean;
  /** Statements slower than this are logged, ms (runbooks/slow-database.md). @default 1000 */
  readonly slowStatementMs?: number;
}

/**
 * PostgreSQL 16 on RDS, Multi-AZ in the data subnets: CMK encryption, Performance Insights,
 * enhanced monitoring, logs exported to encrypted log groups, IAM authentication, forced TLS,
 * pg_stat_statements, slow-statement logging, backups, deletion protection and a final snapshot.
 * The master password is generated and kept by RDS in Secrets Manager (manage_master_user_password).
 */
export class Database extends Construct {
  public readonly identifier: string;
  public readonly endpoint: string;
  public readonly address: string;
  public readonly masterSecretArn: string;
  public readonly databaseName = "bills";
  /** max_connections of the parameter group (the connections alarm fires at 80%). */
  public readonly maxConnections: number;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const { namePrefix, slowStatementMs = 1000 } = props;
    this.identifier = `${namePrefix}-postgres`;
    this.maxConnections = maxConnectionsFor(props.instanceClass);
    const subnets = new DbSubnetGroup(this, "subnets", { name: `${namePrefix}-data`, subnetIds: props.subnetIds });
    const params = this.#parameterGroup(namePrefix, slowStatementMs);
    const exports = ["postgresql", "upgrade"];
    const logGroups = exports.map(
      (kind) =>
        new CloudwatchLogGroup(this, `log-${kind}`, {
          name: `/aws/rds/instance/${this.identifier}/${kind}`,
          retentionInDays: props.logRetentionDays,
          kmsKeyId: props.logsKeyArn,
        }),
    );
    const monitoring = this.#monitoringRole(namePrefix);
    const db = new DbInstance(this, "postgres", {
      identifier: this.identifier,
      engine: "postgres",
      engineVersion: "16",
      autoMinorVersionUpgrade: true,
      instanceClass: props.instanceClass,
      dbName: this.databaseName,
      username: "bill_mw_admin",
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: props.kmsKeyArn,
      multiAz: props.multiAz ?? true,
      dbSubnetGroupName: subnets.name,
      vpcSecurityGroupIds: [props.securityGroupId],
      publiclyAccessible: false,
      parameterGroupName: params.name,
      caCertIdentifier: "rds-ca-rsa2048-g1",
      storageType: "gp3",
      allocatedStorage: props.allocatedStorageGb,
      maxAllocatedStorage: props.maxAllocatedStorageGb,
      storageEncrypted: true,
      kmsKeyId: props.kmsKeyArn,
      iamDatabaseAuthenticationEnabled: true,
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: props.kmsKeyArn,
      performanceInsightsRetentionPeriod: 7,
      monitoringInterval: 60,
      monitoringRoleArn: monitoring.arn,
      enabledCloudwatchLogsExports: exports,
      backupRetentionPeriod: props.backupRetentionDays,
      backupWindow: "03:00-04:00",
      maintenanceWindow: "sun:04:30-sun:05:30",
      copyTagsToSnapshot: true,
      deletionProtection: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: `${this.identifier}-final`,
      dependsOn: logGroups,
    });
    this.endpoint = db.endpoint;
    this.address = db.address;
    this.masterSecretArn = db.masterUserSecret.get(0).secretArn;
  }

  /**
   * TLS only, slow statements and DDL logged without bind values (the pgcrypto key and Zoho tokens
   * are bind parameters: log_parameter_max_length* = 0 keeps them out of the exported logs),
   * pg_stat_statements loaded, max_connections fixed.
   */
  #parameterGroup(namePrefix: string, slowStatementMs: number): DbParameterGroup {
    return new DbParameterGroup(this, "params", {
      name: `${namePrefix}-postgres16`,
      family: "postgres16",
      description: "Bill middleware: TLS only, slow statements and DDL logged, pg_stat_statements",
      parameter: [
        { name: "rds.force_ssl", value: "1" },
        { name: "log_min_duration_statement", value: String(slowStatementMs) },
        { name: "log_statement", value: "ddl" },
        { name: "shared_preload_libraries", value: "pg_stat_statements", applyMethod: "pending-reboot" },
        { name: "pg_stat_statements.track", value: "top" },
        { name: "log_parameter_max_length", value: "0" },
        { name: "log_parameter_max_length_on_error", value: "0" },
        { name: "max_connections", value: String(this.maxConnections), applyMethod: "pending-reboot" },
      ],
      lifecycle: { createBeforeDestroy: true },
    });
  }

  /** The role enhanced monitoring publishes OS metrics with. */
  #monitoringRole(namePrefix: string): IamRole {
    const monitoring = new IamRole(this, "monitoring-role", {
      name: `${namePrefix}-rds-monitoring`,
      assumeRolePolicy: assumeRolePolicy("monitoring.rds.amazonaws.com"),
    });
    new IamRolePolicyAttachment(this, "monitoring-policy", {
      role: monitoring.name,
      policyArn: "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
    });
    return monitoring;
  }
}
