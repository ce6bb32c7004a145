import t from "tap";
import { allEnvironments, refName, resources, synth } from "../helpers.ts";

for (const config of allEnvironments) {
  const s = synth(config);
  // Logical name -> short group name ("alb", "app", ...), from the group's Name.
  const groups = new Map(
    resources(s, "aws_security_group").map(([name, p]) => [
      name,
      String(p.name).replace(`bill-mw-${config.name}-`, ""),
    ]),
  );
  const short = (ref: unknown) => groups.get(refName(ref)) ?? `?${String(ref)}`;
  const rule = (dir: string, p: Record<string, unknown>) =>
    `${short(p.security_group_id)} ${dir} ${p.ip_protocol}/${p.from_port}-${p.to_port} ${
      p.cidr_ipv4 ?? short(p.referenced_security_group_id)
    }`;
  const actual = [
    ...resources(s, "aws_vpc_security_group_ingress_rule").map(([, p]) => rule("in", p)),
    ...resources(s, "aws_vpc_security_group_egress_rule").map(([, p]) => rule("out", p)),
  ].sort();

  t.test(`${config.name}: exactly the seed's groups, plus one for the interface endpoints`, async (t) => {
    t.same([...groups.values()].sort(), ["alb", "app", "endpoints", "lambda", "rds", "redis"]);
    for (const [, p] of resources(s, "aws_security_group")) {
      t.notOk(p.ingress, `${p.name}: no inline ingress`);
      t.notOk(p.egress, `${p.name}: no inline egress (Terraform removes AWS's default allow-all)`);
      t.ok(p.description);
    }
  });

  t.test(`${config.name}: every rule is the seed's, and no other rule exists`, async (t) => {
    const expected = [
      "alb in tcp/443-443 0.0.0.0/0",
      "alb in tcp/80-80 0.0.0.0/0",
      "alb out tcp/3000-3000 app",
      "app in tcp/3000-3000 alb",
      "app out tcp/443-443 0.0.0.0/0",
      "app out tcp/5432-5432 rds",
      "app out tcp/6379-6379 redis",
      "lambda out tcp/443-443 0.0.0.0/0",
      "lambda out tcp/5432-5432 rds",
      "lambda out tcp/6379-6379 redis",
      "rds in tcp/5432-5432 app",
      "rds in tcp/5432-5432 lambda",
      "redis in tcp/6379-6379 app",
      "redis in tcp/6379-6379 lambda",
      "endpoints in tcp/443-443 app",
      "endpoints in tcp/443-443 lambda",
    ].sort();
    t.same(actual, expected);
  });

  t.test(
    `${config.name}: data stores and endpoints have no egress; the app is reachable only from the ALB`,
    async (t) => {
      t.same(
        actual.filter((r) => /^(rds|redis|endpoints) out/.test(r)),
        [],
      );
      t.same(
        actual.filter((r) => r.startsWith("app in")),
        ["app in tcp/3000-3000 alb"],
      );
      t.same(
        actual.filter((r) => r.startsWith("lambda in")),
        [],
      );
      t.ok(
        actual.every((r) => !r.includes("-1/")),
        "no all-protocol rule",
      );
    },
  );

  t.test(`${config.name}: each resource uses the group meant for it`, async (t) => {
    const [, alb] = resources(s, "aws_lb")[0]!;
    t.same((alb.security_groups as unknown[]).map(short), ["alb"]);
    const [, lt] = resources(s, "aws_launch_template")[0]!;
    t.same((lt.vpc_security_group_ids as unknown[]).map(short), ["app"]);
    const [, db] = resources(s, "aws_db_instance")[0]!;
    t.same((db.vpc_security_group_ids as unknown[]).map(short), ["rds"]);
    const [, redis] = resources(s, "aws_elasticache_replication_group")[0]!;
    t.same((redis.security_group_ids as unknown[]).map(short), ["redis"]);
    for (const [name, fn] of resources(s, "aws_lambda_function")) {
      t.same(((fn.vpc_config as Record<string, unknown>).security_group_ids as unknown[]).map(short), ["lambda"], name);
    }
    for (const [, ep] of resources(s, "aws_vpc_endpoint").filter(([, p]) => p.vpc_endpoint_type === "Interface")) {
      t.same((ep.security_group_ids as unknown[]).map(short), ["endpoints"]);
    }
  });
}
