import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter/index.js";
import { S3Backend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { resourceNames } from "../../../lib/naming.ts";
import type { SECRET_ENV_INPUTS } from "../../../lib/secret-env.ts";
import { Audit } from "../constructs/audit.ts";
import { BurstConsumer } from "../constructs/burst-consumer.ts";
import { Cache } from "../constructs/cache.ts";
import { Compute } from "../constructs/compute.ts";
import { Dashboards } from "../constructs/dashboards.ts";
import { Database } from "../constructs/database.ts";
import { Edge } from "../constructs/edge.ts";
import { Endpoints } from "../constructs/endpoints.ts";
import type { Statement } from "../constructs/iam.ts";
import { KmsKey, type PolicyStatement } from "../constructs/kms-key.ts";
import { Network } from "../constructs/network.ts";
import { appLogGroupNames, Observability } from "../constructs/observability.ts";
import { Queue } from "../constructs/queue.ts";
import { SecretRotation } from "../constructs/secret-rotation.ts";
import { Secrets } from "../constructs/secrets.ts";
import { SecurityGroups } from "../constructs/security-groups.ts";
import { LOG_PREFIXES, Storage } from "../constructs/storage.ts";
import { AGENT_NAMESPACE } from "../constructs/user-data.ts";
import type { EnvironmentConfig } from "../environments.ts";

/** Port the service listens on (lib/config.ts PORT default). */
export const APP_PORT = 3000;

/**
 * Everything one environment runs on. Constructs are wired in dependency order: keys, network,
 * security groups, storage and queue, secrets, data stores, edge, compute, audit, observability.
 */
export class BillMiddlewareStack extends TerraformStack {
  constructor(scope: Construct, id: string, config: EnvironmentConfig) {
    super(scope, id);
    const names = resourceNames(config.name, config.accountId);
    const namePrefix = `bill-mw-${config.name}`;
    const { accountId, region } = config;

    new AwsProvider(this, "aws", {
      region,
      allowedAccountIds: [accountId],
      defaultTags: [{ tags: { Project: "bill-middleware", Environment: config.name, ManagedBy: "cdktf" } }],
    });
    const backend = new S3Backend(this, {
      bucket: config.stateBucket,
      key: `bill-middleware/${config.name}.tfstate`,
      region,
      encrypt: true,
    });
    // S3-native state locking (Terraform >= 1.10, OpenTofu >= 1.10); replaces the DynamoDB lock table.
    backend.addOverride("use_lockfile", true);

    // ---- keys ------------------------------------------------------------------------------
    const autoscalingRole = `arn:aws:iam::${accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
    const useKey = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];
    const asgUsesKey: PolicyStatement[] = [
      {
        Sid: "AutoScalingUsesKey",
        Effect: "Allow",
        Principal: { AWS: autoscalingRole },
        Action: useKey,
        Resource: "*",
      },
      {
        Sid: "AutoScalingGrants",
        Effect: "Allow",
        Principal: { AWS: autoscalingRole },
        Action: "kms:CreateGrant",
        Resource: "*",
        Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
      },
    ];
    const key = (kid: string, description: string, serviceStatements: PolicyStatement[] = []) =>
      new KmsKey(this, `key-${kid}`, { alias: `${namePrefix}-${kid}`, description, accountId, serviceStatements });
    const dataKey = key("data", "RDS, Performance Insights, ElastiCache and EBS volumes", asgUsesKey);
    const storageKey = key("storage", "S3 buckets: PDFs and release artifacts");
    const messagingKey = key("messaging", "SQS queues and SNS topics", [
      {
        Sid: "CloudWatchAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
      },
      ...asgUsesKey,
    ]);
    const secretsKey = key("secrets", "Secrets Manager secrets and Lambda environment variables");
    const logsKey = key("logs", "CloudWatch Logs and CloudTrail", [
      {
        Sid: "CloudWatchLogs",
        Effect: "Allow",
        Principal: { Service: `logs.${region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${region}:${accountId}:*` } },
      },
      {
        Sid: "CloudTrailEncrypts",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: ["kms:GenerateDataKey*", "kms:DescribeKey"],
        Resource: "*",
        Condition: {
          StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${accountId}:trail/*` },
        },
      },
    ]);

    // ---- network -----------------------------------------------------------------------------
    const network = new Network(this, "network", {
      namePrefix,
      availabilityZones: config.availabilityZones,
      logsKeyArn: logsKey.arn,
      logRetentionDays: config.logRetentionDays,
    });
    const sgs = new SecurityGroups(this, "security-groups", { namePrefix, vpcId: network.vpcId, appPort: APP_PORT });
    new Endpoints(this, "endpoints", {
      region,
      vpcId: network.vpcId,
      subnetIds: network.appSubnetIds,
      securityGroupId: sgs.endpointsId,
      routeTableIds: network.privateRouteTableIds,
    });

    // ---- storage, queue, secrets ---------------------------------------------------------------
    const storage = new Storage(this, "storage", { names, accountId, storageKeyArn: storageKey.arn });
    const lambdaTimeoutSeconds = config.workerBudgetSeconds;
    const queue = new Queue(this, "queue", {
      queueName: names.queue,
      deadLetterQueueName: names.deadLetterQueue,
      kmsKeyArn: messagingKey.arn,
      maxReceiveCount: config.maxReceiveCount,
      workerBudgetSeconds: config.workerBudgetSeconds,
      lambdaTimeoutSeconds,
    });
    const secrets = new Secrets(this, "secrets", { names, kmsKeyArn: secretsKey.arn });
    const release = new SsmParameter(this, "release-version", {
      name: names.releaseParameter,
      description: "Release the app fleet installs at boot (written by scripts/release/cli.ts)",
      type: "String",
      value: config.initialReleaseVersion,
      lifecycle: { ignoreChanges: ["value"] },
    });

    // ---- data stores ------------------------------------------------------------------------
    const database = new Database(this, "database", {
      namePrefix,
      subnetIds: network.dataSubnetIds,
      securityGroupId: sgs.rdsId,
      kmsKeyArn: dataKey.arn,
      logsKeyArn: logsKey.arn,
      logRetentionDays: config.logRetentionDays,
      instanceClass: config.dbInstanceClass,
      allocatedStorageGb: config.dbAllocatedStorageGb,
      maxAllocatedStorageGb: config.dbMaxAllocatedStorageGb,
      backupRetentionDays: config.dbBackupRetentionDays,
    });
    const cache = new Cache(this, "cache", {
      namePrefix,
      subnetIds: network.dataSubnetIds,
      securityGroupId: sgs.redisId,
      kmsKeyArn: dataKey.arn,
      logsKeyArn: logsKey.arn,
      logRetentionDays: config.logRetentionDays,
      nodeType: config.cacheNodeType,
      nodes: config.cacheNodes,
      authToken: secrets.redisAuthToken,
    });

    // ---- edge and compute -------------------------------------------------------------------------
    const edge = new Edge(this, "edge", {
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

    const appSecrets = [
      secrets.zohoOAuthArn,
      secrets.apiKeysArn,
      secrets.redisAuthArn,
      secrets.tokenEncryptionKeyArn,
      database.masterSecretArn,
    ];
    const logGroups = appLogGroupNames(namePrefix);
    const logGroupArn = (name: string) => `arn:aws:logs:${region}:${accountId}:log-group:${name}:*`;
    // What the service and the worker do, and nothing else (shared by the instances and the burst Lambda).
    const workloadPermissions: Statement[] = [
      {
        Sid: "PdfObjects",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
        Resource: [`${storage.incoming.arn}/*`, `${storage.processed.arn}/*`],
      },
      {
        // A concurrent duplicate that loses the unique-index race deletes exactly the version it
        // wrote (service/src/ingest/ingest-service.ts). Incoming only: processed is Object Locked.
        Sid: "DiscardLostDuplicate",
        Effect: "Allow",
        Action: "s3:DeleteObjectVersion",
        Resource: `${storage.incoming.arn}/*`,
      },
      {
        Sid: "BillQueue",
        Effect: "Allow",
        Action: [
          "sqs:SendMessage",
          "sqs:ReceiveMessage",
          "sqs:DeleteMessage",
          "sqs:ChangeMessageVisibility",
          "sqs:GetQueueAttributes",
          "sqs:GetQueueUrl",
        ],
        Resource: queue.arn,
      },
      {
        Sid: "DlqDepth",
        Effect: "Allow",
        Action: ["sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
        Resource: queue.dlqArn,
      },
      { Sid: "ReadSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: appSecrets },
      {
        Sid: "UseKeys",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: [storageKey.arn, messagingKey.arn, secretsKey.arn, dataKey.arn],
      },
      {
        Sid: "Metrics",
        Effect: "Allow",
        Action: "cloudwatch:PutMetricData",
        Resource: "*", // PutMetricData has no resource type; the namespace condition scopes it
        Condition: { StringEquals: { "cloudwatch:namespace": names.metricsNamespace } },
      },
    ];
    const settings: Record<string, string> = {
      ENVIRONMENT: config.name,
      AWS_REGION: region,
      INCOMING_BUCKET: names.incomingBucket,
      PROCESSED_BUCKET: names.processedBucket,
      S3_KMS_KEY_ID: storageKey.arn,
      QUEUE_URL: queue.url,
      DLQ_URL: queue.dlqUrl,
      METRICS_NAMESPACE: names.metricsNamespace,
      XRAY_ENABLED: "true",
      API_KEYS_SECRET_ID: secrets.apiKeysArn,
      PUBLIC_BASE_URL: edge.url,
      // The ALB is the one proxy hop: client IPs (failed-auth limit, logs) come from X-Forwarded-For.
      TRUST_PROXY_HOPS: "1",
      WORKER_MAX_RECEIVES: String(config.maxReceiveCount),
      WORKER_VISIBILITY_TIMEOUT_S: String(config.workerBudgetSeconds),
    };

    const compute = new Compute(this, "compute", {
      namePrefix,
      autoScalingGroupName: names.autoScalingGroup,
      instanceType: config.instanceType,
      subnetIds: network.appSubnetIds,
      securityGroupId: sgs.appId,
      targetGroupArn: edge.targetGroupArn,
      ebsKeyArn: dataKey.arn,
      minSize: config.minInstances,
      maxSize: config.maxInstances,
      cpuTargetPercent: config.cpuTargetPercent,
      backlogPerInstanceTarget: config.backlogPerInstanceTarget,
      queueName: names.queue,
      scheduleTimeZone: config.scheduleTimeZone,
      nightSchedule: config.nightSchedule,
      morningSchedule: config.morningSchedule,
      permissions: [
        ...workloadPermissions,
        {
          Sid: "ReleaseBundle",
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: `${storage.artifacts.arn}/releases/*`,
        },
        { Sid: "ReleaseVersion", Effect: "Allow", Action: "ssm:GetParameter", Resource: release.arn },
        // Only the service reads the admin keys (the burst Lambda runs the worker only).
        {
          Sid: "AdminKeys",
          Effect: "Allow",
          Action: "secretsmanager:GetSecretValue",
          Resource: secrets.adminApiKeysArn,
        },
        // CloudWatch agent: the units' logs to their groups, memory metrics to its own namespace.
        {
          Sid: "AgentLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: [logGroupArn(logGroups.service), logGroupArn(logGroups.worker)],
        },
        {
          Sid: "AgentMetrics",
          Effect: "Allow",
          Action: "cloudwatch:PutMetricData",
          Resource: "*", // no resource type; the namespace condition scopes it
          Condition: { StringEquals: { "cloudwatch:namespace": AGENT_NAMESPACE } },
        },
        {
          Sid: "AgentAsgDimension",
          Effect: "Allow",
          Action: "ec2:DescribeTags", // the agent's AutoScalingGroupName dimension; no resource-level permissions
          Resource: "*",
        },
        {
          Sid: "Tracing",
          Effect: "Allow",
          Action: [
            "xray:PutTraceSegments",
            "xray:PutTelemetryRecords",
            "xray:GetSamplingRules",
            "xray:GetSamplingTargets",
          ],
          Resource: "*",
        },
      ],
      userData: {
        environment: config.name,
        region,
        releaseParameter: names.releaseParameter,
        artifactsBucket: names.artifactsBucket,
        settings,
        zohoOAuthSecretArn: secrets.zohoOAuthArn,
        databaseSecretArn: database.masterSecretArn,
        databaseHost: database.address,
        databaseName: database.databaseName,
        redisAuthSecretArn: secrets.redisAuthArn,
        redisHost: cache.primaryEndpoint,
        tokenEncryptionKeySecretArn: secrets.tokenEncryptionKeyArn,
        adminApiKeysSecretArn: secrets.adminApiKeysArn,
        logGroups,
        stopTimeoutSeconds: config.workerBudgetSeconds + 30,
      },
    });

    const secretInputs: Record<(typeof SECRET_ENV_INPUTS)[keyof typeof SECRET_ENV_INPUTS][number], string> = {
      ZOHO_OAUTH_SECRET_ID: secrets.zohoOAuthArn,
      TOKEN_ENCRYPTION_KEY_SECRET_ID: secrets.tokenEncryptionKeyArn,
      DATABASE_SECRET_ID: database.masterSecretArn,
      DATABASE_HOST: database.address,
      DATABASE_NAME: database.databaseName,
      REDIS_AUTH_SECRET_ID: secrets.redisAuthArn,
      REDIS_HOST: cache.primaryEndpoint,
    };
    const burstSecretEnv = {
      ...secretInputs,
      // Lambda's Node 20+ runtimes no longer load Amazon's CAs (RDS included) unless told to.
      NODE_EXTRA_CA_CERTS: "/var/runtime/ca-cert.pem",
    };
    const functionBase = {
      artifactsBucket: names.artifactsBucket,
      initialReleaseVersion: config.initialReleaseVersion,
      subnetIds: network.appSubnetIds,
      securityGroupId: sgs.lambdaId,
      envKeyArn: secretsKey.arn,
      logsKeyArn: logsKey.arn,
      logRetentionDays: config.logRetentionDays,
    };
    const burst = new BurstConsumer(this, "burst", {
      ...functionBase,
      functionName: names.burstFunction,
      queueArn: queue.arn,
      maxConcurrency: config.burstMaxConcurrency,
      reservedConcurrency: config.burstReservedConcurrency,
      timeoutSeconds: lambdaTimeoutSeconds,
      permissions: workloadPermissions,
      // Secrets are named, not copied: lib/secret-env.ts resolves them at cold start.
      environment: { ...settings, ...burstSecretEnv },
    });

    // ---- audit and observability --------------------------------------------------------------------
    new Audit(this, "audit", {
      namePrefix,
      bucket: storage.accessLogs.bucket,
      prefix: LOG_PREFIXES.cloudtrail,
      kmsKeyArn: logsKey.arn,
      logRetentionDays: config.logRetentionDays,
      dataEventBucketArns: [storage.incoming.arn, storage.processed.arn],
    });
    const observability = new Observability(this, "observability", {
      namePrefix,
      messagingKeyArn: messagingKey.arn,
      logsKeyArn: logsKey.arn,
      logRetentionDays: config.logRetentionDays,
      alarmEmails: config.alarmEmails,
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
        dbFreeStorageBytes: Math.round(config.dbAllocatedStorageGb * 0.1 * 1024 ** 3),
      },
    });
    new SecretRotation(this, "secret-rotation", {
      ...functionBase,
      functionName: names.secretRotationFunction,
      timeoutSeconds: 60,
      reservedConcurrency: 1,
      memoryMb: 256,
      environment: { ENVIRONMENT: config.name },
      secretArns: [secrets.zohoOAuthArn, secrets.apiKeysArn, secrets.adminApiKeysArn],
      secretsKeyArn: secretsKey.arn,
      topicArn: observability.topicArns.warning,
      messagingKeyArn: messagingKey.arn,
      accountId,
    });
    new Dashboards(this, "dashboards", {
      namePrefix,
      region,
      environment: config.name,
      metricsNamespace: names.metricsNamespace,
      albArnSuffix: edge.albArnSuffix,
      targetGroupArnSuffix: edge.targetGroupArnSuffix,
      autoScalingGroupName: names.autoScalingGroup,
      dbInstanceId: database.identifier,
      cacheClusterId: cache.replicationGroupId,
      queueName: names.queue,
      dlqName: names.deadLetterQueue,
      burstFunctionName: burst.functionName,
    });

    // ---- outputs -----------------------------------------------------------------------------------
    const output = (oid: string, value: string, description: string) =>
      new TerraformOutput(this, oid, { value, description });
    output("api_url", edge.url, "Base URL NetSuite posts to");
    output("alb_dns_name", edge.albDnsName, "ALB DNS name (the alias record points here)");
    output("vpc_id", network.vpcId, "VPC id");
    output("queue_url", queue.url, "Bill queue URL");
    output("dlq_url", queue.dlqUrl, "Dead-letter queue URL");
    output("artifacts_bucket", names.artifactsBucket, "Release bundles bucket (scripts/release/cli.ts)");
    output("release_parameter", names.releaseParameter, "SSM parameter holding the running release");
    output("autoscaling_group", compute.autoScalingGroupName, "App fleet ASG (instance refresh on release)");
    output("burst_function", burst.functionName, "Burst consumer Lambda");
    output("database_endpoint", database.endpoint, "PostgreSQL endpoint (TLS required)");
    output("database_master_secret_arn", database.masterSecretArn, "RDS-managed master credentials");
    output("redis_endpoint", cache.primaryEndpoint, "Redis primary endpoint (TLS + AUTH)");
    output("zoho_oauth_secret_arn", secrets.zohoOAuthArn, "Put the Zoho OAuth JSON here");
    output("api_keys_secret_arn", secrets.apiKeysArn, "Put the API keys JSON here");
    output("admin_api_keys_secret_arn", secrets.adminApiKeysArn, "Put the admin API keys JSON here (optional)");
    output("alarm_topic_critical_arn", observability.topicArns.critical, "Critical alarms (page)");
  }
}
