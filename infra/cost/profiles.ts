/**
 * What `npm run cost` prices: the two environments, and a profile sized like the seed's answer
 * ($800 -> $320 a month: 2 x t3.medium reserved, one instance at night, a small single-AZ
 * database, lifecycle tiers). Usage figures are assumptions, stated here once.
 */
import { type EnvironmentConfig, production, staging } from "../src/environments.ts";
import type { Usage } from "./estimate.ts";

/**
 * ~1,500 bills a day: what a 5,000-call Zoho day (ZOHO_DAILY_QUOTA, ~3 calls per bill) carries.
 * 250 KB per PDF (a scanned one- or two-page bill). 1% of bills never delivered (resolved by
 * finance without Zoho: a duplicate, a cancelled bill), kept in incoming until the 400-day
 * backstop; each further 1% adds ~$0.67 per million bills over seven years. NAT: dnf, NetSuite/Zoho calls, the RDS CA.
 */
const BASE_USAGE: Usage = {
  billsPerMonth: 45_000,
  pdfKb: 250,
  undeliveredShare: 0.01,
  natGbPerMonth: 20,
  logsGbPerMonth: 5,
  albLcu: 1,
  reservedBaseline: false,
};

/** The seed-sized profile: one tier of t3.medium, 2 by day, 1 at night, small database and cache. */
export const seed: EnvironmentConfig = {
  ...staging,
  name: "seed",
  fleet: "single-tier",
  instanceType: "t3.medium",
  minInstances: 1,
  maxInstances: 4,
  nightSchedule: { recurrence: "0 20 * * *", minSize: 1, maxSize: 2, desiredCapacity: 1 },
  morningSchedule: { recurrence: "0 7 * * MON-FRI", minSize: 2, maxSize: 4, desiredCapacity: 2 },
  dbInstanceClass: "db.t4g.small",
  dbMultiAz: false,
  dbAllocatedStorageGb: 20,
  dbMaxAllocatedStorageGb: 100,
  cacheNodeType: "cache.t4g.micro",
  cacheNodes: 2,
  burstReservedConcurrency: 2,
  burstMaxConcurrency: 2,
};

export interface Profile {
  readonly config: EnvironmentConfig;
  readonly usage: Usage;
  /** Price the seed's architecture: what the stack adds beyond it removed (see seedArchitecture). */
  readonly seedArchitecture: boolean;
  readonly note: string;
  /** Profile this one is compared with, kind by kind ("what the extra buys"). @default none */
  readonly versus?: string;
}

export const PROFILES: Readonly<Record<string, Profile>> = {
  staging: { config: staging, usage: BASE_USAGE, seedArchitecture: false, note: "staging as configured" },
  production: {
    config: production,
    usage: { ...BASE_USAGE, logsGbPerMonth: 10, albLcu: 2 },
    seedArchitecture: false,
    note: "production as configured",
    versus: "seed-architecture",
  },
  seed: {
    config: seed,
    usage: { ...BASE_USAGE, reservedBaseline: true },
    seedArchitecture: false,
    note: "sized like the seed (2 x t3.medium, 1 reserved, 1 at night; db.t4g.small Single-AZ) on this stack",
  },
  "seed-architecture": {
    config: seed,
    usage: { ...BASE_USAGE, reservedBaseline: true },
    seedArchitecture: true,
    note: "the seed profile on the seed's network: two public subnets (two NAT gateways, the ALB in two), no interface endpoints, no WAF",
  },
};

type Resources = Record<string, Record<string, Record<string, unknown>>>;

/** Public subnets, hence NAT gateways and ALB subnets, of the seed's network (infra/README.md "Network"). */
export const SEED_PUBLIC_SUBNETS = 2;

/**
 * The seed's network, from this stack's resources: two public subnets, so two NAT gateways (and
 * addresses) and an ALB in two subnets instead of three; no interface endpoints (the seed had no
 * security group for them: their traffic goes through the NAT); no WAF (issue 16). Each removal
 * is what this stack buys beyond the seed.
 */
export function seedArchitecture(r: Resources): Resources {
  const keepFirst = (type: string) => Object.fromEntries(Object.entries(r[type] ?? {}).slice(0, SEED_PUBLIC_SUBNETS));
  const gateways = Object.fromEntries(
    Object.entries(r.aws_vpc_endpoint ?? {}).filter(([, e]) => e.vpc_endpoint_type === "Gateway"),
  );
  const albs = Object.fromEntries(
    Object.entries(r.aws_lb ?? {}).map(([name, lb]) => [
      name,
      { ...lb, subnets: ((lb.subnets as unknown[]) ?? []).slice(0, SEED_PUBLIC_SUBNETS) },
    ]),
  );
  const { aws_wafv2_web_acl: _waf, ...rest } = r;
  return {
    ...rest,
    aws_nat_gateway: keepFirst("aws_nat_gateway"),
    aws_eip: keepFirst("aws_eip"),
    aws_vpc_endpoint: gateways,
    aws_lb: albs,
  };
}
