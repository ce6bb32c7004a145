import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance/index.js";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group/index.js";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js";
import { Construct } from "constructs";
import { assumeRolePolicy } from "./iam.ts";

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

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const { namePrefix, slowStatementMs = 1000 } = props;
    this.identifier = `${namePrefix}-postgres`;
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
      multiAz: true,
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

  /** TLS only, slow statements and DDL logged, pg_stat_statements loaded. */
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
