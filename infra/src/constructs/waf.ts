import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { Wafv2IpSet } from "@cdktf/provider-aws/lib/wafv2-ip-set/index.js";
import { Wafv2WebAcl, type Wafv2WebAclRule } from "@cdktf/provider-aws/lib/wafv2-web-acl/index.js";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association/index.js";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration/index.js";
import { Construct } from "constructs";

/** Paths only operators use (admin API, API docs, console): never served from the internet. */
export const OPERATOR_PATHS = ["/admin", "/docs", "/console"] as const;

/** Request headers that carry credentials: redacted from the WAF's logs. */
export const REDACTED_HEADERS = ["x-api-key", "x-admin-key", "authorization", "cookie"] as const;

export interface WafProps {
  /** Prefix of the ACL, IP set, metrics and log group names. Required; no default. */
  readonly namePrefix: string;
  /** The ALB the ACL protects. Required; no default. */
  readonly albArn: string;
  /** CMK of the WAF log group. Required; no default. */
  readonly logsKeyArn: string;
  /** Retention of the WAF log group, days. Required; no default. */
  readonly logRetentionDays: number;
  /** Only these source CIDRs reach the API (NetSuite's egress ranges). @default undefined (any source) */
  readonly allowedCidrs?: readonly string[];
  /** Requests per source IP per 5 minutes before the rate rule blocks. @default 3000 (10 per second) */
  readonly ratePerFiveMinutes?: number;
}

const visibility = (metricName: string) => ({
  cloudwatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
  metricName,
});

/** Statements are free-form in the provider bindings: written in Terraform's snake_case. */
const startsWithPath = (path: string) => ({
  byte_match_statement: {
    search_string: path,
    positional_constraint: "STARTS_WITH",
    field_to_match: { uri_path: {} },
    // Decoded, normalized and lower-cased first: %61dmin, //admin and /ADMIN are /admin.
    text_transformation: [
      { priority: 0, type: "URL_DECODE" },
      { priority: 1, type: "NORMALIZE_PATH" },
      { priority: 2, type: "LOWERCASE" },
    ],
  },
});

const managed = (name: string, priority: number, countOnly: readonly string[] = []): Wafv2WebAclRule => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: {
    managed_rule_group_statement: {
      name,
      vendor_name: "AWS",
      rule_action_override: countOnly.map((rule) => ({ name: rule, action_to_use: { count: {} } })),
    },
  },
  visibilityConfig: visibility(name),
});

/**
 * WAF v2 on the ALB: operator paths refused with 404 whatever their encoding, an optional
 * allow-list of NetSuite's egress CIDRs, a per-IP rate rule, and AWS's common, known-bad-input and
 * anonymous-IP rule groups (the common group's 8 KB body-size rule only counts: every bill's body is
 * larger; so do its missing-User-Agent rule and the hosting-provider list).
 * Logs go to an encrypted `aws-waf-logs-*` group with credential headers redacted.
 */
export class Waf extends Construct {
  public readonly webAclArn: string;

  constructor(scope: Construct, id: string, props: WafProps) {
    super(scope, id);
    const { namePrefix, ratePerFiveMinutes = 3000 } = props;
    const rules: Wafv2WebAclRule[] = [
      {
        name: "operator-paths",
        priority: 0,
        action: { block: { customResponse: { responseCode: 404 } } },
        statement: { or_statement: { statement: OPERATOR_PATHS.map(startsWithPath) } },
        visibilityConfig: visibility(`${namePrefix}-operator-paths`),
      },
    ];
    if (props.allowedCidrs !== undefined) rules.push(this.#allowList(namePrefix, props.allowedCidrs));
    rules.push(
      {
        name: "rate-per-ip",
        priority: 2,
        action: { block: {} },
        statement: {
          rate_based_statement: { limit: ratePerFiveMinutes, aggregate_key_type: "IP", evaluation_window_sec: 300 },
        },
        visibilityConfig: visibility(`${namePrefix}-rate-per-ip`),
      },
      // Counted only: every bill's body is over 8 KB, and NetSuite's N/https User-Agent is unconfirmed.
      managed("AWSManagedRulesCommonRuleSet", 3, ["SizeRestrictions_BODY", "NoUserAgent_HEADER"]),
      managed("AWSManagedRulesKnownBadInputsRuleSet", 4),
      // Tor exits and anonymizing proxies blocked; hosting-provider ranges only counted: NetSuite
      // calls from Oracle's data centers, which that list may contain.
      managed("AWSManagedRulesAnonymousIpList", 5, ["HostingProviderIPList"]),
    );
    const acl = new Wafv2WebAcl(this, "acl", {
      name: namePrefix,
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      rule: rules,
      visibilityConfig: visibility(namePrefix),
    });
    new Wafv2WebAclAssociation(this, "alb", { resourceArn: props.albArn, webAclArn: acl.arn });
    const logs = new CloudwatchLogGroup(this, "logs", {
      // WAF delivers only to log groups whose name starts with aws-waf-logs-.
      name: `aws-waf-logs-${namePrefix}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logsKeyArn,
    });
    new Wafv2WebAclLoggingConfiguration(this, "logging", {
      resourceArn: acl.arn,
      logDestinationConfigs: [logs.arn],
      redactedFields: REDACTED_HEADERS.map((name) => ({ singleHeader: { name } })),
    });
    this.webAclArn = acl.arn;
  }

  /** Blocks every source outside the allowed CIDRs (an empty list is refused: it would block all). */
  #allowList(namePrefix: string, cidrs: readonly string[]): Wafv2WebAclRule {
    if (cidrs.length === 0) throw new Error("allowedCidrs is empty: leave it unset to admit any source");
    for (const cidr of cidrs) {
      if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(cidr)) throw new Error(`allowedCidrs: ${cidr} is not an IPv4 CIDR`);
    }
    const set = new Wafv2IpSet(this, "netsuite-egress", {
      name: `${namePrefix}-netsuite-egress`,
      scope: "REGIONAL",
      ipAddressVersion: "IPV4",
      addresses: [...cidrs],
    });
    return {
      name: "netsuite-only",
      priority: 1,
      action: { block: {} },
      statement: { not_statement: { statement: [{ ip_set_reference_statement: { arn: set.arn } }] } },
      visibilityConfig: visibility(`${namePrefix}-netsuite-only`),
    };
  }
}
