import { FlowLog } from "@cdktf/provider-aws/lib/flow-log/index.js";
import { Testing } from "cdktf";
import t from "tap";
import { INTERFACE_ENDPOINT_SERVICES } from "../../src/constructs/endpoints.ts";
import { allEnvironments, refName, resource, resources, synth } from "../helpers.ts";

for (const config of allEnvironments) {
  const s = synth(config);
  const subnets = resources(s, "aws_subnet").map(([, p]) => p);
  const byTier = (tier: string) =>
    subnets
      .filter((p) => (p.tags as Record<string, string>).Tier === tier)
      .map((p) => [p.cidr_block, p.availability_zone]);
  const [az1, az2, az3] = config.availabilityZones;

  t.test(`${config.name}: VPC 10.0.0.0/16 with DNS for private endpoints`, async (t) => {
    t.match(resource(s, "aws_vpc", "network_vpc"), {
      cidr_block: "10.0.0.0/16",
      enable_dns_hostnames: true,
      enable_dns_support: true,
    });
  });

  t.test(`${config.name}: three public, app and data /24s, one of each per AZ`, async (t) => {
    t.equal(subnets.length, 9);
    t.same(byTier("public"), [
      ["10.0.1.0/24", az1],
      ["10.0.2.0/24", az2],
      ["10.0.3.0/24", az3],
    ]);
    t.same(byTier("app"), [
      ["10.0.10.0/24", az1],
      ["10.0.11.0/24", az2],
      ["10.0.12.0/24", az3],
    ]);
    t.same(byTier("data"), [
      ["10.0.20.0/24", az1],
      ["10.0.21.0/24", az2],
      ["10.0.22.0/24", az3],
    ]);
    t.ok(
      subnets.every((p) => p.map_public_ip_on_launch !== true),
      "no subnet hands out public addresses",
    );
  });

  t.test(`${config.name}: one NAT gateway per AZ, each app route table uses its own AZ's NAT`, async (t) => {
    const nats = resources(s, "aws_nat_gateway");
    t.equal(nats.length, 3);
    t.equal(resources(s, "aws_eip").length, 3);
    t.equal(resources(s, "aws_internet_gateway").length, 1);
    for (const i of [0, 1, 2]) {
      const nat = resource(s, "aws_nat_gateway", `nat-${i}_`);
      t.equal(refName(nat.subnet_id), resources(s, "aws_subnet").find(([n]) => n.includes(`public-${i}_`))![0]);
      const route = resource(s, "aws_route", `app-default-${i}_`);
      t.equal(route.destination_cidr_block, "0.0.0.0/0");
      t.equal(
        refName(route.nat_gateway_id),
        resources(s, "aws_nat_gateway").find(([n]) => n.includes(`nat-${i}_`))![0],
      );
    }
    const routes = resources(s, "aws_route").map(([, p]) => p);
    t.equal(routes.length, 4, "public default route + one per app route table; data subnets have none");
    t.equal(routes.filter((r) => r.gateway_id).length, 1);
  });

  t.test(`${config.name}: flow logs of all traffic to an encrypted log group`, async (t) => {
    t.ok(Testing.toHaveResourceWithProperties(s.text, FlowLog.tfResourceType, { traffic_type: "ALL" }));
    const group = resource(s, "aws_cloudwatch_log_group", "flow-logs");
    t.ok(group.kms_key_id);
    t.equal(group.retention_in_days, config.logRetentionDays);
  });

  t.test(`${config.name}: default security group adopted with no rules`, async (t) => {
    const sg = resource(s, "aws_default_security_group", "default-sg");
    t.notOk(sg.ingress);
    t.notOk(sg.egress);
  });

  t.test(`${config.name}: S3 gateway endpoint and interface endpoints with private DNS`, async (t) => {
    const endpoints = resources(s, "aws_vpc_endpoint").map(([, p]) => p);
    const gateway = endpoints.filter((e) => e.vpc_endpoint_type === "Gateway");
    t.same(
      gateway.map((e) => e.service_name),
      [`com.amazonaws.${config.region}.s3`],
    );
    t.equal((gateway[0]!.route_table_ids as unknown[]).length, 4, "data + three app route tables");
    const iface = endpoints.filter((e) => e.vpc_endpoint_type === "Interface");
    t.same(
      iface.map((e) => e.service_name).sort(),
      INTERFACE_ENDPOINT_SERVICES.map((svc) => `com.amazonaws.${config.region}.${svc}`).sort(),
    );
    t.same(
      [...INTERFACE_ENDPOINT_SERVICES].sort(),
      ["kms", "logs", "monitoring", "secretsmanager", "sqs", "xray"],
      "SQS, Secrets Manager, CloudWatch metrics and logs, KMS, X-Ray",
    );
    t.ok(iface.every((e) => e.private_dns_enabled === true));
  });
}
