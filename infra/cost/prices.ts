/**
 * The price table of `npm run cost`: us-east-1, on-demand list prices in USD, dated. A
 * declarative table: each number names the AWS pricing page it comes from and, where the figure
 * was cross-checked against a dated 2026 page (no AWS price API is reachable from the build
 * machine), that page too. Change a number only with its source and the new date.
 */
export const PRICES_AS_OF = "2026-12-01";
export const PRICE_REGION = "us-east-1";

export interface Price {
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
}

const EC2 = "https://aws.amazon.com/ec2/pricing/on-demand/ (Linux, us-east-1)";
const EBS = "https://aws.amazon.com/ebs/pricing/";
const ELB = "https://aws.amazon.com/elasticloadbalancing/pricing/";
const VPC = "https://aws.amazon.com/vpc/pricing/";
const VPC_2026 =
  "cross-checked: https://www.factualminds.com/blog/amazon-vpc-pricing-endpoints-peering-transit-gateway/ (2026-06)";
const NAT_2026 = "cross-checked: https://cloudpipelines.pages.dev/guides/aws-nat-gateway-pricing-2026/";
const RDS = "https://aws.amazon.com/rds/postgresql/pricing/";
const RDS_2026 = "cross-checked: https://infratally.com/articles/aws-rds-pricing-explained-2026.html";
const CACHE = "https://aws.amazon.com/elasticache/pricing/ (Redis OSS / Valkey node-based)";
const S3 = "https://aws.amazon.com/s3/pricing/";
const CW = "https://aws.amazon.com/cloudwatch/pricing/";

export const PRICES = {
  ec2Hour: {
    "t3.small": { usd: 0.0208, unit: "instance-hour", source: EC2 },
    "t3.medium": { usd: 0.0416, unit: "instance-hour", source: EC2 },
    "t3.large": { usd: 0.0832, unit: "instance-hour", source: EC2 },
  } as Record<string, Price>,
  /** 1-year no-upfront Standard Reserved Instance, effective hourly (the seed's reservation). */
  ec2ReservedHour: {
    "t3.medium": {
      usd: 0.026,
      unit: "instance-hour (1-yr no-upfront RI)",
      source: "https://aws.amazon.com/ec2/pricing/reserved-instances/pricing/",
    },
  } as Record<string, Price>,
  ebsGp3GbMonth: { usd: 0.08, unit: "GB-month", source: EBS },
  albHour: { usd: 0.0225, unit: "ALB-hour", source: ELB },
  albLcuHour: { usd: 0.008, unit: "LCU-hour", source: ELB },
  natHour: { usd: 0.045, unit: "NAT gateway-hour", source: `${VPC}; ${NAT_2026}` },
  natGb: { usd: 0.045, unit: "GB processed", source: `${VPC}; ${NAT_2026}` },
  publicIpv4Hour: { usd: 0.005, unit: "public IPv4-hour", source: `${VPC}; ${VPC_2026}` },
  interfaceEndpointAzHour: {
    usd: 0.01,
    unit: "endpoint-AZ-hour",
    source: `https://aws.amazon.com/privatelink/pricing/; ${VPC_2026}`,
  },
  rdsHour: {
    "db.t4g.micro": { usd: 0.016, unit: "instance-hour, Single-AZ", source: `${RDS}; ${RDS_2026}` },
    "db.t4g.small": { usd: 0.032, unit: "instance-hour, Single-AZ", source: `${RDS}; ${RDS_2026}` },
    "db.t4g.medium": { usd: 0.065, unit: "instance-hour, Single-AZ", source: `${RDS}; ${RDS_2026}` },
    "db.r6g.large": { usd: 0.225, unit: "instance-hour, Single-AZ", source: RDS },
  } as Record<string, Price>,
  /** gp3; Multi-AZ bills the standby's storage too (x2). */
  rdsGp3GbMonth: { usd: 0.115, unit: "GB-month, Single-AZ", source: `${RDS}; ${RDS_2026}` },
  cacheHour: {
    "cache.t4g.micro": { usd: 0.016, unit: "node-hour", source: CACHE },
    "cache.t4g.small": { usd: 0.032, unit: "node-hour", source: CACHE },
    "cache.r6g.large": { usd: 0.206, unit: "node-hour", source: CACHE },
  } as Record<string, Price>,
  kmsKeyMonth: {
    usd: 1,
    unit: "CMK-month (rotated versions add up to $2)",
    source: "https://aws.amazon.com/kms/pricing/",
  },
  secretMonth: { usd: 0.4, unit: "secret-month", source: "https://aws.amazon.com/secrets-manager/pricing/" },
  alarmMetricMonth: { usd: 0.1, unit: "standard alarm metric-month", source: CW },
  dashboardMonth: { usd: 3, unit: "dashboard-month beyond the free 3", source: CW },
  logsIngestGb: { usd: 0.5, unit: "GB ingested", source: CW },
  logsStoreGbMonth: { usd: 0.03, unit: "GB-month stored", source: CW },
  wafAclMonth: { usd: 5, unit: "web ACL-month", source: "https://aws.amazon.com/waf/pricing/" },
  wafRuleMonth: { usd: 1, unit: "rule-month", source: "https://aws.amazon.com/waf/pricing/" },
  wafMillionRequests: { usd: 0.6, unit: "million requests", source: "https://aws.amazon.com/waf/pricing/" },
  sqsMillionRequests: {
    usd: 0.4,
    unit: "million requests (first million free)",
    source: "https://aws.amazon.com/sqs/pricing/",
  },
  cloudTrailDataEvents100k: {
    usd: 0.1,
    unit: "100,000 data events",
    source: "https://aws.amazon.com/cloudtrail/pricing/",
  },
  s3StandardGbMonth: { usd: 0.023, unit: "GB-month (first 50 TB)", source: S3 },
  s3StandardIaGbMonth: { usd: 0.0125, unit: "GB-month (30-day minimum)", source: S3 },
  s3GlacierGbMonth: { usd: 0.0036, unit: "GB-month, Glacier Flexible Retrieval (90-day minimum)", source: S3 },
  s3Put1k: { usd: 0.005, unit: "1,000 PUT/COPY/PutObjectTagging requests", source: S3 },
  s3Tags10kMonth: { usd: 0.01, unit: "10,000 object tags per month (S3 Object Tagging)", source: S3 },
  s3TransitionIa1k: { usd: 0.01, unit: "1,000 lifecycle transitions to STANDARD_IA", source: S3 },
  s3TransitionGlacier1k: { usd: 0.03, unit: "1,000 lifecycle transitions to GLACIER", source: S3 },
  /** Each Glacier object also keeps 8 KB at STANDARD and 32 KB at GLACIER rates of metadata. */
  s3GlacierOverheadKb: { usd: 0, unit: "8 KB STANDARD + 32 KB GLACIER per object", source: S3 },
} as const;

/** A price that must exist: an unknown instance type is an error, not a silent $0. */
export function priceOf(table: Record<string, Price>, key: string, what: string): Price {
  const p = table[key];
  if (!p) throw new Error(`no ${what} price for ${key} in infra/cost/prices.ts`);
  return p;
}

export const HOURS_PER_MONTH = 730;
