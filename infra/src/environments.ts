import { DEFAULT_MAX_RECEIVE_COUNT, type FleetLayout } from "../../lib/naming.ts";

/**
 * One typed configuration for every environment: main.ts builds one stack per entry. Each field
 * says its default where the stack would otherwise choose one. Nothing here is read from the
 * process environment: a plan must be reproducible from the repository alone.
 */

/** ALB TLS policies we allow: TLS 1.3 families only (the API's own default is a 2016 policy). */
export const TLS_POLICIES = {
  /** TLS 1.3 + 1.2 with hybrid post-quantum key exchange; the AWS-recommended transition policy. */
  tls13And12PostQuantum: "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
  /** TLS 1.3 only, post-quantum; breaks any client that cannot negotiate 1.3. */
  tls13OnlyPostQuantum: "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
} as const;
export type TlsPolicy = (typeof TLS_POLICIES)[keyof typeof TLS_POLICIES];

/**
 * How the app fleet runs the two processes. `two-tier` (the default everywhere): an ingest tier
 * behind the ALB (CPU tracking) and a worker tier (SQS backlog tracking), each with its own role,
 * so the internet-facing service cannot read Zoho credentials, the token-encryption key or the
 * worker's database login. `single-tier`: one group runs both, for small environments; it saves
 * one group's minimum instances, and gives up that separation (its role is the union of both
 * tiers' statements) and independent scaling (infra/README.md "Tiers").
 */
/* The type itself lives in lib/naming.ts, shared with the release command. */
export type { FleetLayout };

/** Zoho data centres (lib/config.ts ZOHO_DATA_CENTER). */
export type ZohoDataCenter = "us" | "eu" | "in" | "au" | "jp" | "ca" | "sa" | "cn";

/** A scheduled capacity change of the app fleet (cron in `timeZone`). */
export interface CapacitySchedule {
  readonly recurrence: string;
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredCapacity: number;
}

export interface EnvironmentConfig {
  /** Environment name: resource names, tags and the Environment metric dimension. */
  readonly name: string;
  /** AWS account the stack deploys to; part of the global S3 bucket names. */
  readonly accountId: string;
  readonly region: string;
  /** Exactly three AZs: one public, app and data subnet (and one NAT gateway) in each. */
  readonly availabilityZones: readonly [string, string, string];
  /** Remote state: an existing, versioned, encrypted S3 bucket; locking uses an S3 lock file. */
  readonly stateBucket: string;
  /** Public Route 53 hosted zone that holds `domainName`. */
  readonly hostedZoneName: string;
  /** Name NetSuite posts to; the ACM certificate and the alias record are for it. */
  readonly domainName: string;
  /** HTTPS listener policy. @default TLS_POLICIES.tls13And12PostQuantum (see infra/README.md) */
  readonly tlsPolicy: TlsPolicy;
  /** ALB deletion protection; on in production. */
  readonly albDeletionProtection: boolean;
  /** Two tiers (ingest, worker) or one group running both. @default "two-tier" */
  readonly fleet: FleetLayout;
  readonly instanceType: string;
  /** Bounds of each tier (both tiers in two-tier). @default 2..10 */
  readonly minInstances: number;
  readonly maxInstances: number;
  /** IANA time zone of the capacity schedules (each tier gets both schedules). */
  readonly scheduleTimeZone: string;
  readonly nightSchedule: CapacitySchedule;
  readonly morningSchedule: CapacitySchedule;
  /** Target of the CPU tracking policy, percent. @default 70 */
  readonly cpuTargetPercent: number;
  /** Target of the SQS backlog-per-instance tracking policy, messages. @default 100 */
  readonly backlogPerInstanceTarget: number;
  /** Burst Lambda: reserved concurrency, and the event source's maximum concurrency (>= 2). */
  readonly burstReservedConcurrency: number;
  readonly burstMaxConcurrency: number;
  readonly dbInstanceClass: string;
  readonly dbAllocatedStorageGb: number;
  readonly dbMaxAllocatedStorageGb: number;
  readonly dbBackupRetentionDays: number;
  /** RDS standby in a second AZ. @default true (every deployed environment; false only for cost profiles) */
  readonly dbMultiAz?: boolean;
  /** AWS Budgets monthly limit, USD (above `npm run cost`'s scheduled month / 0.8): e-mails at 80% actual, 100% forecast. */
  readonly monthlyBudgetUsd: number;
  readonly cacheNodeType: string;
  /** Cache nodes in the replication group (primary + replicas); >= 2 for automatic failover. */
  readonly cacheNodes: number;
  /** Receives before a message moves to the DLQ. @default DEFAULT_MAX_RECEIVE_COUNT (5) */
  readonly maxReceiveCount: number;
  /** Worker's processing budget per message, seconds; the queue's visibility timeout sits above it. */
  readonly workerBudgetSeconds: number;
  /** CloudWatch Logs retention, days (checkov CKV_AWS_338 asks for a year). @default 365 */
  readonly logRetentionDays: number;
  /** Release the stack points the Lambda at before the first `release` run. */
  readonly initialReleaseVersion: string;
  /** Addresses subscribed to the severity topics (email; confirm the subscription once). */
  readonly alarmEmails: { readonly critical: readonly string[]; readonly warning: readonly string[] };
  /** HTTPS paging webhooks: the pager gets critical, the chat channel critical and warning. @default none */
  readonly paging?: { readonly pagerUrl?: string; readonly chatUrl?: string };
  /**
   * Zoho API calls per UTC day the organization's plan allows (lib/config.ts ZOHO_DAILY_QUOTA, handed
   * to every worker); the zoho-daily-quota alarm fires at 80% of the same figure. Zoho's plans allow
   * 1,000-10,000 calls a day and a new bill costs one call, so the plan caps bills per day: the
   * seed's 10,000 bills/day needs the 10,000 plan (infra/README.md "Zoho settings"). No default:
   * each environment states its plan.
   */
  readonly zohoDailyQuota: number;
  /** The Zoho organization's data centre (lib/config.ts ZOHO_DATA_CENTER): both Zoho hosts. @default "us" */
  readonly zohoDataCenter: ZohoDataCenter;
  /**
   * Zoho account_id of the default expense account (lib/config.ts ZOHO_DEFAULT_EXPENSE_ACCOUNT_ID):
   * a bill that carries only a total gets one line on it. @default undefined: such a bill fails
   * with a reason naming ZOHO_DEFAULT_EXPENSE_ACCOUNT_ID (bills with lines are unaffected).
   */
  readonly zohoDefaultExpenseAccountId?: string;
  /** NetSuite's egress CIDRs: when set, the WAF lets only these reach the API. @default undefined (any source) */
  readonly netsuiteEgressCidrs?: readonly string[];
  /**
   * SHA-256 (hex) of the region's RDS CA bundle (truststore.pki.rds.amazonaws.com); when set, an
   * instance whose download differs stops booting. Record it at the first deploy
   * (`curl -s <url> | sha256sum`). @default undefined (downloaded over TLS, not pinned)
   */
  readonly rdsCaBundleSha256?: string;
}

const common = {
  region: "us-east-1",
  availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
  tlsPolicy: TLS_POLICIES.tls13And12PostQuantum,
  fleet: "two-tier",
  instanceType: "t3.medium",
  minInstances: 2,
  maxInstances: 10,
  scheduleTimeZone: "America/New_York",
  cpuTargetPercent: 70,
  backlogPerInstanceTarget: 100,
  maxReceiveCount: DEFAULT_MAX_RECEIVE_COUNT,
  workerBudgetSeconds: 120,
  logRetentionDays: 365,
  initialReleaseVersion: "0.1.0",
  zohoDataCenter: "us",
} as const satisfies Partial<EnvironmentConfig>;

export const staging: EnvironmentConfig = {
  ...common,
  name: "staging",
  accountId: "111111111111",
  stateBucket: "bill-mw-terraform-state-111111111111",
  hostedZoneName: "staging.bills.example.com",
  domainName: "api.staging.bills.example.com",
  albDeletionProtection: false,
  nightSchedule: { recurrence: "0 20 * * *", minSize: 2, maxSize: 4, desiredCapacity: 2 },
  morningSchedule: { recurrence: "0 7 * * MON-FRI", minSize: 2, maxSize: 10, desiredCapacity: 2 },
  burstReservedConcurrency: 5,
  burstMaxConcurrency: 2,
  dbInstanceClass: "db.t4g.medium",
  dbAllocatedStorageGb: 50,
  dbMaxAllocatedStorageGb: 200,
  dbBackupRetentionDays: 7,
  monthlyBudgetUsd: 1100,
  // Staging's Zoho organization is on the smallest plan: enough for release checks, not for load.
  zohoDailyQuota: 1000,
  cacheNodeType: "cache.t4g.small",
  cacheNodes: 2,
  alarmEmails: { critical: ["platform-oncall@example.com"], warning: ["platform-team@example.com"] },
};

export const production: EnvironmentConfig = {
  ...common,
  name: "production",
  accountId: "222222222222",
  stateBucket: "bill-mw-terraform-state-222222222222",
  hostedZoneName: "bills.example.com",
  domainName: "api.bills.example.com",
  albDeletionProtection: true,
  nightSchedule: { recurrence: "0 21 * * *", minSize: 2, maxSize: 10, desiredCapacity: 2 },
  morningSchedule: { recurrence: "0 6 * * MON-FRI", minSize: 3, maxSize: 10, desiredCapacity: 3 },
  burstReservedConcurrency: 10,
  burstMaxConcurrency: 5,
  dbInstanceClass: "db.r6g.large",
  dbAllocatedStorageGb: 100,
  dbMaxAllocatedStorageGb: 1000,
  dbBackupRetentionDays: 30,
  monthlyBudgetUsd: 1800,
  // The plan the seed's 10,000 bills/day needs (one call per bill); the alarm warns at 8,000.
  zohoDailyQuota: 10000,
  cacheNodeType: "cache.r6g.large",
  cacheNodes: 3,
  alarmEmails: { critical: ["platform-oncall@example.com"], warning: ["platform-team@example.com"] },
};

export const environments: readonly EnvironmentConfig[] = [staging, production];
