import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group/index.js";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule/index.js";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule/index.js";
import { Construct } from "constructs";

export interface SecurityGroupsProps {
  readonly namePrefix: string;
  readonly vpcId: string;
  /** Port the service listens on. @default 3000 */
  readonly appPort?: number;
}

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

  constructor(scope: Construct, id: string, props: SecurityGroupsProps) {
    super(scope, id);
    const { namePrefix, vpcId, appPort = 3000 } = props;
    const group = (name: string, description: string) =>
      new SecurityGroup(this, name, {
        name: `${namePrefix}-${name}`,
        description,
        vpcId,
        tags: { Name: `${namePrefix}-${name}` },
        lifecycle: { createBeforeDestroy: true },
      });
    const alb = group("alb", "Public ALB: HTTPS in from anywhere, HTTP only to redirect");
    const app = group("app", "App instances: service port from the ALB only");
    const lambda = group("lambda", "Burst consumer Lambda: egress only");
    const rds = group("rds", "PostgreSQL: 5432 from app and burst Lambda only");
    const redis = group("redis", "Redis: 6379 from app and burst Lambda only");
    const endpoints = group("endpoints", "VPC interface endpoints: 443 from app and burst Lambda only");

    const tcp = { ipProtocol: "tcp" } as const;
    const ingress = (
      rid: string,
      sg: SecurityGroup,
      port: number,
      description: string,
      from: { cidr?: string; sg?: SecurityGroup },
    ) =>
      new VpcSecurityGroupIngressRule(this, rid, {
        ...tcp,
        securityGroupId: sg.id,
        fromPort: port,
        toPort: port,
        description,
        cidrIpv4: from.cidr,
        referencedSecurityGroupId: from.sg?.id,
      });
    const egress = (
      rid: string,
      sg: SecurityGroup,
      port: number,
      description: string,
      to: { cidr?: string; sg?: SecurityGroup },
    ) =>
      new VpcSecurityGroupEgressRule(this, rid, {
        ...tcp,
        securityGroupId: sg.id,
        fromPort: port,
        toPort: port,
        description,
        cidrIpv4: to.cidr,
        referencedSecurityGroupId: to.sg?.id,
      });

    ingress("alb-in-https", alb, 443, "HTTPS from anywhere (NetSuite)", { cidr: "0.0.0.0/0" });
    ingress("alb-in-http", alb, 80, "HTTP from anywhere, answered only with a redirect to HTTPS", {
      cidr: "0.0.0.0/0",
    });
    egress("alb-out-app", alb, appPort, "To the service on the app instances", { sg: app });

    ingress("app-in-alb", app, appPort, "Service port from the ALB only", { sg: alb });
    for (const [prefix, sg] of [
      ["app", app],
      ["lambda", lambda],
    ] as const) {
      egress(`${prefix}-out-https`, sg, 443, "HTTPS: Zoho via NAT, AWS APIs via endpoints", { cidr: "0.0.0.0/0" });
      egress(`${prefix}-out-rds`, sg, 5432, "PostgreSQL", { sg: rds });
      egress(`${prefix}-out-redis`, sg, 6379, "Redis", { sg: redis });
      ingress(`rds-in-${prefix}`, rds, 5432, `PostgreSQL from ${prefix}`, { sg });
      ingress(`redis-in-${prefix}`, redis, 6379, `Redis from ${prefix}`, { sg });
      ingress(`endpoints-in-${prefix}`, endpoints, 443, `AWS APIs from ${prefix}`, { sg });
    }

    this.albId = alb.id;
    this.appId = app.id;
    this.lambdaId = lambda.id;
    this.rdsId = rds.id;
    this.redisId = redis.id;
    this.endpointsId = endpoints.id;
  }
}
