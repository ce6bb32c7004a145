import t from "tap";
import { environments } from "../../src/environments.ts";
import { allEnvironments, resources, synth } from "../helpers.ts";

t.test("one stack per environment, staging and production at least", async (t) => {
  t.same(
    environments.map((e) => e.name),
    ["staging", "production"],
  );
  t.not(synth(environments[0]).config.accountId, synth(environments[1]).config.accountId, "separate accounts");
});

for (const config of allEnvironments) {
  const s = synth(config);
  const terraform = s.json.terraform as Record<string, unknown>;

  t.test(
    `${config.name}: remote state in S3, encrypted, with S3-native locking, one key per environment`,
    async (t) => {
      t.same((terraform.backend as Record<string, unknown>).s3, {
        bucket: config.stateBucket,
        key: `bill-middleware/${config.name}.tfstate`,
        region: config.region,
        encrypt: true,
        use_lockfile: true,
      });
    },
  );

  t.test(
    `${config.name}: plain Terraform JSON: pinned AWS provider, no required_version (checkov #7454)`,
    async (t) => {
      t.notOk("required_version" in terraform);
      t.match(terraform.required_providers, { aws: { source: "aws", version: /^6\./ } });
      const provider = (s.json.provider as { aws: Record<string, unknown>[] }).aws[0]!;
      t.match(provider, { region: config.region, allowed_account_ids: [config.accountId] });
    },
  );

  t.test(`${config.name}: outputs the platform team needs`, async (t) => {
    const outputs = Object.keys(s.json.output as object);
    for (const o of [
      "api_url",
      "artifacts_bucket",
      "release_parameter",
      "autoscaling_group",
      "burst_function",
      "queue_url",
      "dlq_url",
    ]) {
      t.ok(outputs.includes(o), o);
    }
  });

  t.test(`${config.name}: resource count tripwire`, async (t) => {
    const count = Object.keys(s.json.resource).reduce((n, type) => n + resources(s, type).length, 0);
    t.comment(`${config.name}: ${count} resources`);
    // Not a target: a change here means a construct gained or lost resources; check it was intended.
    // 232 = 224 + 3 internal-path listener rules + WAF (ACL, association, log group, logging) + budget.
    // 233 = 232 + the worker tier's at-max alarm (worker-asg-at-max).
    // 234 = 233 + the bill-total-mismatch alarm.
    t.equal(count, 234);
  });
}
