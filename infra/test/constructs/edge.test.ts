import { LbListener } from "@cdktf/provider-aws/lib/lb-listener/index.js";
import { Testing } from "cdktf";
import t from "tap";
import { TLS_POLICIES } from "../../src/environments.ts";
import { allEnvironments, production, refName, resource, resources, staging, synth } from "../helpers.ts";

for (const config of allEnvironments) {
  const s = synth(config);
  const alb = resource(s, "aws_lb", "edge_alb");

  t.test(`${config.name}: internet-facing ALB in all three public subnets`, async (t) => {
    t.equal(alb.internal, false);
    t.equal(alb.load_balancer_type, "application");
    const publics = resources(s, "aws_subnet")
      .filter(([n]) => n.includes("public-"))
      .map(([n]) => n);
    t.same((alb.subnets as unknown[]).map(refName).sort(), publics.sort());
    t.equal(publics.length, 3);
  });

  t.test(`${config.name}: drops invalid headers, logs access to S3, defensive desync mitigation`, async (t) => {
    t.equal(alb.drop_invalid_header_fields, true);
    t.equal(alb.desync_mitigation_mode, "defensive");
    t.match(alb.access_logs, { enabled: true, prefix: "alb", bucket: /access-logs/ });
  });

  t.test(`${config.name}: HTTPS listener with an explicit TLS 1.3 policy forwarding to the app`, async (t) => {
    const https = resource(s, "aws_lb_listener", "edge_https");
    t.equal(https.port, 443);
    t.equal(https.protocol, "HTTPS");
    t.equal(https.ssl_policy, config.tlsPolicy);
    t.match(String(https.ssl_policy), /^ELBSecurityPolicy-TLS13-/);
    t.match(https.certificate_arn, /aws_acm_certificate_validation/);
    t.match(https.default_action, [{ type: "forward" }]);
  });

  t.test(`${config.name}: HTTP only redirects to HTTPS`, async (t) => {
    t.ok(
      Testing.toHaveResourceWithProperties(s.text, LbListener.tfResourceType, {
        port: 80,
        protocol: "HTTP",
        default_action: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" } }],
      }),
    );
    t.equal(resources(s, "aws_lb_listener").length, 2);
  });

  t.test(`${config.name}: target group on 3000, /health/ready, 300 s draining`, async (t) => {
    const tg = resource(s, "aws_lb_target_group", "edge_app");
    t.equal(tg.port, 3000);
    t.equal(tg.deregistration_delay, "300");
    t.match(tg.health_check, { path: "/health/ready", matcher: "200" });
  });

  t.test(`${config.name}: DNS-validated ACM certificate and a Route 53 alias`, async (t) => {
    t.match(resource(s, "aws_acm_certificate", "edge_cert"), {
      domain_name: config.domainName,
      validation_method: "DNS",
    });
    const alias = resource(s, "aws_route53_record", "edge_alias");
    t.match(alias, { name: config.domainName, type: "A" });
    t.match(alias.alias, { evaluate_target_health: true, name: /aws_lb\.edge_alb.*dns_name/ });
  });
}

t.test("deletion protection is on in production and off in staging", async (t) => {
  t.equal(resource(synth(production), "aws_lb", "edge_alb").enable_deletion_protection, true);
  t.equal(resource(synth(staging), "aws_lb", "edge_alb").enable_deletion_protection, false);
});

t.test(
  "the default TLS policy is the TLS 1.3 + 1.2 post-quantum one (NetSuite's client is unconfirmed on 1.3)",
  async (t) => {
    t.equal(production.tlsPolicy, TLS_POLICIES.tls13And12PostQuantum);
    t.equal(TLS_POLICIES.tls13And12PostQuantum, "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09");
  },
);
