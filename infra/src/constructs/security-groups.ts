import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group/index.js";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule/index.js";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule/index.js";
import { Construct } from "constructs";

export interface SecurityGroupsProps {
  /** Prefix of every group's name and Name tag. Required; no default. */
  readonly namePrefix: string;
  /** VPC the groups belong to. Required; no default. */
  readonly vpcId: string;
  /** Port the service listens on. @default 3000 */
  readonly appPort?: number;
}

/** The other side of a rule: an address range or another group. */
type Peer = { readonly cidr: string } | { readonly sg: SecurityGroup };
type Groups = Readonly<Record<"alb" | "app" | "lambda" | "rds" | "redis" | "endpoints", SecurityGroup>>;

/**
 * The seed's security groups and nothing more. Groups are created empty (Terraform removes AWS's
 * default allow-all egress) and every rule is its own resource, so a rule that is not declared
 * here does not exist:
 *  - alb: in 443 (and 80, only to redirect) from anywhere; out 3000 to app.
 *  - app (instances): in 3000 from alb only; out 443, 5432 to rds, 6379 to redis.
 *  - lambda (burst consumer): no ingress; out 443, 5432 to rds, 6379 to redis.
 *  - rds: in 5432 from app and lambda only; no egress.
 *  - redis: in 6379 from app and lambda only; no egress.
 *  - endpoints: in 443 from app and lambda only; no egress. Interface endpoints cannot work
 *    without a group that admits 443, so this is the one group the seed did not have.
 */
export class SecurityGroups extends Construct {
  public readonly albId: string;
  public readonly appId: string;
  public readonly lambdaId: string;
  public readonly rdsId: string;
  public readonly redisId: string;
  public readonly endpointsId: string;

  readonly #namePrefix: string;
  readonly #vpcId: string;

  constructor(scope: Construct, id: string, props: SecurityGroupsProps) {
    super(scope, id);
    const { namePrefix, vpcId, appPort = 3000 } = props;
    this.#namePrefix = namePrefix;
    this.#vpcId = vpcId;
    const groups: Groups = {
      alb: this.#group("alb", "Public ALB: HTTPS in from anywhere, HTTP only to redirect"),
      app: this.#group("app", "App instances: service port from the ALB only"),
      lambda: this.#group("lambda", "Burst consumer Lambda: egress only"),
      rds: this.#group("rds", "PostgreSQL: 5432 from app and burst Lambda only"),
      redis: this.#group("redis", "Redis: 6379 from app and burst Lambda only"),
      endpoints: this.#group("endpoints", "VPC interface endpoints: 443 from app and burst Lambda only"),
    };
    this.#rules(groups, appPort);
    this.albId = groups.alb.id;
    this.appId = groups.app.id;
    this.lambdaId = groups.lambda.id;
    this.rdsId = groups.rds.id;
    this.redisId = groups.redis.id;
    this.endpointsId = groups.endpoints.id;
  }

  /** Every rule of every group; anything not listed here is denied. */
  #rules({ alb, app, lambda, rds, redis, endpoints }: Groups, appPort: number): void {
    const anywhere = { cidr: "0.0.0.0/0" };
    this.#rule("in", "alb-in-https", alb, 443, "HTTPS from anywhere (NetSuite)", anywhere);
    this.#rule("in", "alb-in-http", alb, 80, "HTTP from anywhere, answered only with a redirect to HTTPS", anywhere);
    this.#rule("out", "alb-out-app", alb, appPort, "To the service on the app instances", { sg: app });

    this.#rule("in", "app-in-alb", app, appPort, "Service port from the ALB only", { sg: alb });
    for (const [prefix, sg] of [
      ["app", app],
      ["lambda", lambda],
    ] as const) {
      this.#rule("out", `${prefix}-out-https`, sg, 443, "HTTPS: Zoho via NAT, AWS APIs via endpoints", anywhere);
      this.#rule("out", `${prefix}-out-rds`, sg, 5432, "PostgreSQL", { sg: rds });
      this.#rule("out", `${prefix}-out-redis`, sg, 6379, "Redis", { sg: redis });
      this.#rule("in", `rds-in-${prefix}`, rds, 5432, `PostgreSQL from ${prefix}`, { sg });
      this.#rule("in", `redis-in-${prefix}`, redis, 6379, `Redis from ${prefix}`, { sg });
      this.#rule("in", `endpoints-in-${prefix}`, endpoints, 443, `AWS APIs from ${prefix}`, { sg });
    }
  }

  /** An empty group (no rules, not even AWS's default egress), replaced before it is destroyed. */
  #group(name: string, description: string): SecurityGroup {
    return new SecurityGroup(this, name, {
      name: `${this.#namePrefix}-${name}`,
      description,
      vpcId: this.#vpcId,
      tags: { Name: `${this.#namePrefix}-${name}` },
      lifecycle: { createBeforeDestroy: true },
    });
  }

  /** One TCP rule on one port, as its own resource. */
  #rule(direction: "in" | "out", id: string, sg: SecurityGroup, port: number, description: string, peer: Peer): void {
    const config = {
      ipProtocol: "tcp",
      securityGroupId: sg.id,
      fromPort: port,
      toPort: port,
      description,
      cidrIpv4: "cidr" in peer ? peer.cidr : undefined,
      referencedSecurityGroupId: "sg" in peer ? peer.sg.id : undefined,
    };
    if (direction === "in") new VpcSecurityGroupIngressRule(this, id, config);
    else new VpcSecurityGroupEgressRule(this, id, config);
  }
}
