import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate/index.js";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation/index.js";
import { DataAwsRoute53Zone } from "@cdktf/provider-aws/lib/data-aws-route53-zone/index.js";
import { Lb } from "@cdktf/provider-aws/lib/lb/index.js";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener/index.js";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule/index.js";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group/index.js";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record/index.js";
import { Construct } from "constructs";
import type { TlsPolicy } from "../environments.ts";

export interface EdgeProps {
  /** Prefix of the ALB and target group names (cut to AWS's 32 characters). Required; no default. */
  readonly namePrefix: string;
  /** VPC of the target group. Required; no default. */
  readonly vpcId: string;
  /** Public subnets the ALB is enabled in, one per AZ the fleet uses. Required; no default. */
  readonly publicSubnetIds: string[];
  /** The ALB's security group. Required; no default. */
  readonly securityGroupId: string;
  /** Public Route 53 hosted zone holding `domainName` (looked up, not created). Required; no default. */
  readonly hostedZoneName: string;
  /** Name NetSuite posts to: the certificate's name and the alias record. Required; no default. */
  readonly domainName: string;
  /** HTTPS listener policy; always set (the API's default is ELBSecurityPolicy-2016-08). Required; no default. */
  readonly tlsPolicy: TlsPolicy;
  /** ALB deletion protection. Required; no default (environments.ts: on in production). */
  readonly deletionProtection: boolean;
  /** Bucket of the ALB access logs (SSE-S3, ELB delivery allowed). Required; no default. */
  readonly accessLogBucket: string;
  /** Key prefix of the ALB access logs in that bucket. Required; no default. */
  readonly accessLogPrefix: string;
  /** Port the service listens on. @default 3000 */
  readonly appPort?: number;
  /** Readiness path (checks db, redis, queue). @default "/health/ready" */
  readonly healthCheckPath?: string;
  /** Connection draining, seconds; longer than the service's graceful-close time. @default 300 */
  readonly deregistrationDelaySeconds?: number;
  /**
   * Path prefixes the HTTPS listener answers 404 for instead of forwarding (operators reach them
   * through SSM port forwarding, infra/README.md). @default [] (everything forwarded)
   */
  readonly internalPaths?: readonly string[];
}

/**
 * Public entry: ACM certificate validated through Route 53, an internet-facing ALB in all three
 * public subnets (access logs, invalid headers dropped, defensive desync mitigation), HTTPS with an
 * explicit TLS 1.3 policy, HTTP answered only with a redirect, and the alias record NetSuite calls.
 */
export class Edge extends Construct {
  public readonly albArn: string;
  public readonly albArnSuffix: string;
  public readonly albDnsName: string;
  public readonly targetGroupArn: string;
  public readonly targetGroupArnSuffix: string;
  public readonly url: string;

  constructor(scope: Construct, id: string, props: EdgeProps) {
    super(scope, id);
    const { namePrefix, appPort = 3000, healthCheckPath = "/health/ready", deregistrationDelaySeconds = 300 } = props;
    const zone = new DataAwsRoute53Zone(this, "zone", { name: props.hostedZoneName, privateZone: false });
    const certificateArn = this.#validatedCertificate(props.domainName, zone);
    const alb = new Lb(this, "alb", {
      name: `${namePrefix}`.slice(0, 32),
      loadBalancerType: "application",
      internal: false,
      subnets: props.publicSubnetIds,
      securityGroups: [props.securityGroupId],
      dropInvalidHeaderFields: true,
      desyncMitigationMode: "defensive",
      enableDeletionProtection: props.deletionProtection,
      idleTimeout: 60,
      accessLogs: { bucket: props.accessLogBucket, prefix: props.accessLogPrefix, enabled: true },
    });
    const tg = new LbTargetGroup(this, "app", {
      name: `${namePrefix}-app`.slice(0, 32),
      port: appPort,
      protocol: "HTTP",
      vpcId: props.vpcId,
      targetType: "instance",
      deregistrationDelay: String(deregistrationDelaySeconds),
      healthCheck: {
        path: healthCheckPath,
        port: "traffic-port",
        protocol: "HTTP",
        matcher: "200",
        interval: 15,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
    });
    const https = this.#listeners(alb, tg, certificateArn, props.tlsPolicy);
    this.#internalPaths(https, props.internalPaths ?? []);
    new Route53Record(this, "alias", {
      zoneId: zone.zoneId,
      name: props.domainName,
      type: "A",
      alias: { name: alb.dnsName, zoneId: alb.zoneId, evaluateTargetHealth: true },
    });
    this.albArn = alb.arn;
    this.albArnSuffix = alb.arnSuffix;
    this.albDnsName = alb.dnsName;
    this.targetGroupArn = tg.arn;
    this.targetGroupArnSuffix = tg.arnSuffix;
    this.url = `https://${props.domainName}`;
  }

  /** HTTPS with the given policy forwards to the fleet; HTTP only redirects to HTTPS. */
  #listeners(alb: Lb, tg: LbTargetGroup, certificateArn: string, tlsPolicy: TlsPolicy): LbListener {
    const https = new LbListener(this, "https", {
      loadBalancerArn: alb.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: tlsPolicy,
      certificateArn,
      defaultAction: [{ type: "forward", targetGroupArn: tg.arn }],
    });
    new LbListener(this, "http-redirect", {
      loadBalancerArn: alb.arn,
      port: 80,
      protocol: "HTTP",
      defaultAction: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
    });
    return https;
  }

  /**
   * One rule per internal path (the path and everything under it): a plain 404, as if the route did
   * not exist. ALB patterns are case-sensitive and see the raw path; the WAF's rule (waf.ts) also
   * catches encoded and differently-cased spellings.
   */
  #internalPaths(https: LbListener, paths: readonly string[]): void {
    paths.forEach((path, i) => {
      new LbListenerRule(this, `internal-${path.replace(/\W/g, "")}`, {
        listenerArn: https.arn,
        priority: 10 + i,
        condition: [{ pathPattern: { values: [path, `${path}/*`] } }],
        action: [
          {
            type: "fixed-response",
            fixedResponse: { contentType: "application/json", statusCode: "404", messageBody: '{"error":"not found"}' },
          },
        ],
      });
    });
  }

  /** An ECDSA certificate for `domainName`, validated through a DNS record in the zone. */
  #validatedCertificate(domainName: string, zone: DataAwsRoute53Zone): string {
    const cert = new AcmCertificate(this, "cert", {
      domainName,
      validationMethod: "DNS",
      keyAlgorithm: "EC_prime256v1",
      lifecycle: { createBeforeDestroy: true },
    });
    const option = cert.domainValidationOptions.get(0);
    const validationRecord = new Route53Record(this, "cert-validation", {
      zoneId: zone.zoneId,
      name: option.resourceRecordName,
      type: option.resourceRecordType,
      records: [option.resourceRecordValue],
      ttl: 300,
      allowOverwrite: true,
    });
    const validation = new AcmCertificateValidation(this, "cert-validated", {
      certificateArn: cert.arn,
      validationRecordFqdns: [validationRecord.fqdn],
    });
    return validation.certificateArn;
  }
}
