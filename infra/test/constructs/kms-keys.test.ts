/**
 * The five CMKs on their own (a bare TerraformStack, no provider, none of the rest of the stack):
 * each rotates yearly, has an alias, and a key policy whose only statements beyond the account's
 * root are the AWS services that key serves.
 */
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias/index.js";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key/index.js";
import { TerraformOutput } from "cdktf";
import t from "tap";
import { createKmsKeys, KEY_NAMES, type KmsKeysProps } from "../../src/constructs/kms-keys.ts";
import { type Json, parse, resources, synthAlone } from "../helpers.ts";

const props: KmsKeysProps = { namePrefix: "bill-mw-test", accountId: "123456789012", region: "eu-west-1" };
const asgRole =
  "arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling";

/** Key policy statements of key `name`, by Sid. */
function statementsOf(s: ReturnType<typeof synthAlone>, name: string): Map<string, Json> {
  const [, key] = resources(s, KmsKey.tfResourceType).find(([id]) => id.startsWith(`key-${name}_`))!;
  const policy = parse(key.policy);
  t.equal(policy.Version, "2012-10-17");
  return new Map((policy.Statement as Json[]).map((st) => [String(st.Sid), st]));
}

t.test("GIVEN the keys alone WHEN synthesized THEN five rotating keys with aliases, nothing else", async (t) => {
  const s = synthAlone((stack) => createKmsKeys(stack, props));
  t.same(Object.keys(s.json.resource).sort(), [KmsAlias.tfResourceType, KmsKey.tfResourceType]);
  const keys = resources(s, KmsKey.tfResourceType);
  t.same(
    keys.map(([id]) => id.replace(/_key_[0-9A-F]{8}$/, "")).sort(),
    KEY_NAMES.map((n) => `key-${n}`).sort(),
    "ids key-<name>: the addresses the keys had inside the stack",
  );
  for (const [id, k] of keys) {
    t.match(k, { enable_key_rotation: true, rotation_period_in_days: 365, deletion_window_in_days: 30 }, id);
  }
  const aliases = resources(s, KmsAlias.tfResourceType).map(([, a]) => String(a.name));
  t.same(aliases.sort(), KEY_NAMES.map((n) => `alias/bill-mw-test-${n}`).sort());
});

t.test("every key policy lets the account's root administer it and delegate use to IAM", async (t) => {
  const s = synthAlone((stack) => createKmsKeys(stack, props));
  for (const name of KEY_NAMES) {
    t.same(statementsOf(s, name).get("AccountAdministersAndDelegatesToIam"), {
      Sid: "AccountAdministersAndDelegatesToIam",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789012:root" },
      Action: "kms:*",
      Resource: "*",
    });
  }
});

t.test("only the services a key serves appear in its policy", async (t) => {
  const s = synthAlone((stack) => createKmsKeys(stack, props));
  const sids = (name: string) => [...statementsOf(s, name).keys()];
  const root = "AccountAdministersAndDelegatesToIam";
  t.same(sids("data"), [root, "AutoScalingUsesKey", "AutoScalingGrants"], "EBS volumes of the fleet");
  t.same(sids("storage"), [root]);
  t.same(sids("messaging"), [root, "CloudWatchAlarmsPublish", "AutoScalingUsesKey", "AutoScalingGrants"]);
  t.same(sids("secrets"), [root]);
  t.same(sids("logs"), [root, "CloudWatchLogs", "CloudTrailEncrypts"]);
});

t.test("service statements are scoped to this account and region", async (t) => {
  const s = synthAlone((stack) => createKmsKeys(stack, props));
  const logs = statementsOf(s, "logs");
  t.match(logs.get("CloudWatchLogs"), {
    Principal: { Service: "logs.eu-west-1.amazonaws.com" },
    Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:123456789012:*" } },
  });
  t.same(logs.get("CloudTrailEncrypts")!.Condition, {
    StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:123456789012:trail/*" },
    ArnLike: { "aws:SourceArn": "arn:aws:cloudtrail:eu-west-1:123456789012:trail/*" },
  });
  t.same(
    statementsOf(s, "messaging").get("CloudWatchAlarmsPublish")!.Condition,
    {
      ArnLike: {
        "aws:SourceArn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*",
        "kms:EncryptionContext:aws:sns:topicArn": "arn:aws:sns:eu-west-1:123456789012:*",
      },
    },
    "only this account's alarms, for this account's topics",
  );
  for (const [name, sts] of KEY_NAMES.map((n) => [n, statementsOf(s, n)] as const)) {
    for (const [sid, st] of sts) {
      if (typeof st.Principal === "object" && st.Principal !== null && "Service" in st.Principal)
        t.ok(st.Condition, `${name}/${sid}: a service principal is always conditioned`);
    }
  }
  const data = statementsOf(s, "data");
  t.match(data.get("AutoScalingUsesKey"), { Principal: { AWS: asgRole } });
  t.match(data.get("AutoScalingGrants"), {
    Principal: { AWS: asgRole },
    Action: "kms:CreateGrant",
    Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
  });
});

t.test("deletionWindowDays overrides the 30-day default on every key", async (t) => {
  const s = synthAlone((stack) => createKmsKeys(stack, { ...props, deletionWindowDays: 7 }));
  for (const [id, k] of resources(s, KmsKey.tfResourceType)) t.equal(k.deletion_window_in_days, 7, id);
});

t.test("the returned keys carry Terraform references to their own resources", async (t) => {
  const s = synthAlone((stack) => {
    const keys = createKmsKeys(stack, props);
    for (const n of KEY_NAMES) new TerraformOutput(stack, n, { value: keys[n].arn });
  });
  const outputs = s.json.output as Record<string, { value: string }>;
  for (const n of KEY_NAMES) {
    const [id] = resources(s, KmsKey.tfResourceType).find(([id]) => id.startsWith(`key-${n}_`))!;
    t.equal(outputs[n]!.value, `\${aws_kms_key.${id}.arn}`, n);
  }
});
