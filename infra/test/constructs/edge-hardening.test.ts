/**
 * Issue 16, edge: the WAF on the ALB (operator paths refused whatever their spelling, optional
 * NetSuite allow-list, rate rule, AWS managed groups, logs without credentials), the listener
 * rules that answer 404 for /admin, /docs and /console, and the VPC endpoints' policies.
 */
import t from "tap";
import { AWS_OWNED_BUCKETS } from "../../src/constructs/endpoints.ts";
import { OPERATOR_PATHS, REDACTED_HEADERS, Waf } from "../../src/constructs/waf.ts";
import { allEnvironments, type Json, parse, refName, resources, synth, synthAlone } from "../helpers.ts";

for (const config of allEnvironments) {
  const s = synth(config);
  const [, acl] = resources(s, "aws_wafv2_web_acl")[0]!;
  const rules = acl.rule as Json[];

  t.test(`${config.name}: one regional web ACL, associated with the ALB, default allow`, async (t) => {
    t.equal(resources(s, "aws_wafv2_web_acl").length, 1);
    t.match(acl, { scope: "REGIONAL", default_action: { allow: {} } });
    const [, association] = resources(s, "aws_wafv2_web_acl_association")[0]!;
    t.equal(refName(association.resource_arn), resources(s, "aws_lb")[0]![0]);
    t.match(association.web_acl_arn, /aws_wafv2_web_acl\.waf_acl_/);
  });

  t.test(
    `${config.name}: rules in order: operator paths, rate per IP, common, known bad inputs, anonymous IPs`,
    async (t) => {
      const names = config.netsuiteEgressCidrs
        ? [
            "operator-paths",
            "netsuite-only",
            "rate-per-ip",
            "AWSManagedRulesCommonRuleSet",
            "AWSManagedRulesKnownBadInputsRuleSet",
            "AWSManagedRulesAnonymousIpList",
          ]
        : [
            "operator-paths",
            "rate-per-ip",
            "AWSManagedRulesCommonRuleSet",
            "AWSManagedRulesKnownBadInputsRuleSet",
            "AWSManagedRulesAnonymousIpList",
          ];
      t.same(
        rules.map((r) => r.name),
        names,
      );
      t.same(
        rules.map((r) => r.priority),
        [...rules.map((r) => r.priority)].sort((a, b) => Number(a) - Number(b)),
        "priorities increase",
      );
      for (const r of rules)
        t.match(r.visibility_config, { cloudwatch_metrics_enabled: true, sampled_requests_enabled: true });
    },
  );

  t.test(
    `${config.name}: /admin, /docs, /console refused with 404 after decoding, normalizing, lower-casing`,
    async (t) => {
      const rule = rules.find((r) => r.name === "operator-paths")!;
      t.same(rule.action, { block: { custom_response: { response_code: 404 } } });
      const matches = ((rule.statement as Json).or_statement as Json).statement as Json[];
      t.same(
        matches.map((m) => (m.byte_match_statement as Json).search_string),
        ["/admin", "/docs", "/console"],
      );
      for (const m of matches) {
        t.match(m.byte_match_statement, {
          positional_constraint: "STARTS_WITH",
          field_to_match: { uri_path: {} },
          text_transformation: [
            { priority: 0, type: "URL_DECODE" },
            { priority: 1, type: "NORMALIZE_PATH" },
            { priority: 2, type: "LOWERCASE" },
          ],
        });
      }
    },
  );

  t.test(`${config.name}: rate rule per IP; the common group's body-size rule only counts`, async (t) => {
    t.match(
      rules.find((r) => r.name === "rate-per-ip"),
      {
        action: { block: {} },
        statement: { rate_based_statement: { limit: 3000, aggregate_key_type: "IP", evaluation_window_sec: 300 } },
      },
    );
    const common = rules.find((r) => r.name === "AWSManagedRulesCommonRuleSet")!;
    t.same(common.override_action, { none: {} });
    t.same((common.statement as Json).managed_rule_group_statement, {
      name: "AWSManagedRulesCommonRuleSet",
      vendor_name: "AWS",
      rule_action_override: [
        { name: "SizeRestrictions_BODY", action_to_use: { count: {} } },
        { name: "NoUserAgent_HEADER", action_to_use: { count: {} } },
      ],
    });
    const anonymous = rules.find((r) => r.name === "AWSManagedRulesAnonymousIpList")!;
    t.same(((anonymous.statement as Json).managed_rule_group_statement as Json).rule_action_override, [
      { name: "HostingProviderIPList", action_to_use: { count: {} } },
    ]);
  });

  t.test(`${config.name}: WAF logs to an encrypted aws-waf-logs- group, credential headers redacted`, async (t) => {
    const [, logging] = resources(s, "aws_wafv2_web_acl_logging_configuration")[0]!;
    t.same(
      (logging.redacted_fields as Json[]).map((f) => (f.single_header as Json).name),
      [...REDACTED_HEADERS],
    );
    const group = resources(s, "aws_cloudwatch_log_group").find(([, p]) => String(p.name).startsWith("aws-waf-logs-"))!;
    t.ok(group, "log group named for WAF delivery");
    t.match(group[1].kms_key_id, /aws_kms_key\.key-logs_key/);
    t.equal(group[1].retention_in_days, config.logRetentionDays);
  });

  t.test(`${config.name}: the HTTPS listener answers 404 for /admin, /docs, /console (and below)`, async (t) => {
    const listenerRules = resources(s, "aws_lb_listener_rule").map(([, p]) => p);
    const byPath = (a: unknown, b: unknown) => String(a).localeCompare(String(b));
    t.same(
      listenerRules.map((r) => ((r.condition as Json[])[0]!.path_pattern as Json).values).sort(byPath),
      OPERATOR_PATHS.map((p) => [p, `${p}/*`]).sort(byPath),
    );
    for (const r of listenerRules) {
      t.match(r.listener_arn, /aws_lb_listener\.edge_https_/);
      t.match(r.action, [{ type: "fixed-response", fixed_response: { status_code: "404" } }]);
    }
  });

  t.test(
    `${config.name}: VPC endpoints admit only this account (and its resources where a call names one)`,
    async (t) => {
      const endpoints = resources(s, "aws_vpc_endpoint").map(([, p]) => p);
      for (const e of endpoints) {
        const policy = parse(e.policy);
        const service = String(e.service_name).split(".").at(-1);
        const conditions = (policy.Statement as Json[]).map((st) => st.Condition);
        if (service === "s3") {
          t.same(conditions[0], { StringEquals: { "aws:ResourceAccount": config.accountId } }, "own buckets");
          t.same(
            (policy.Statement as Json[])[1]!.Resource,
            AWS_OWNED_BUCKETS(config.region).map((b) => `arn:aws:s3:::${b}/*`),
          );
          t.equal((policy.Statement as Json[])[1]!.Action, "s3:GetObject", "AWS-owned buckets: reads only");
        } else {
          const own: Record<string, string> = { "aws:PrincipalAccount": config.accountId };
          if (["sqs", "secretsmanager", "kms"].includes(String(service))) own["aws:ResourceAccount"] = config.accountId;
          t.same(conditions, [{ StringEquals: own }], String(service));
        }
      }
    },
  );
}

t.test("an allow-list of NetSuite CIDRs blocks every other source (rule 1)", async (t) => {
  const out = synthAlone((stack) => {
    new Waf(stack, "waf", {
      namePrefix: "bill-mw-x",
      albArn: "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/x/1",
      logsKeyArn: "arn:aws:kms:us-east-1:1:key/l",
      logRetentionDays: 365,
      allowedCidrs: ["192.0.2.0/24", "198.51.100.7/32"],
    });
  });
  const [, set] = resources(out, "aws_wafv2_ip_set")[0]!;
  t.same(set.addresses, ["192.0.2.0/24", "198.51.100.7/32"]);
  const rule = ((resources(out, "aws_wafv2_web_acl")[0]![1].rule as Json[]) ?? []).find(
    (r) => r.name === "netsuite-only",
  )!;
  t.match(rule, {
    priority: 1,
    action: { block: {} },
    statement: {
      not_statement: { statement: [{ ip_set_reference_statement: { arn: /aws_wafv2_ip_set\.waf_netsuite-egress/ } }] },
    },
  });
});

t.test("a malformed or empty allow-list is refused at synth", async (t) => {
  const build = (allowedCidrs: string[]) => () =>
    synthAlone((stack) => {
      new Waf(stack, "waf", { namePrefix: "x", albArn: "a", logsKeyArn: "k", logRetentionDays: 1, allowedCidrs });
    });
  t.throws(build([]), /allowedCidrs is empty/);
  t.throws(build(["10.0.0.0"]), /10\.0\.0\.0 is not an IPv4 CIDR/);
});
