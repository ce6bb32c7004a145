import { randomUUID } from "node:crypto";
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import t from "tap";
import { RotationError, rotate } from "../../functions/secret-rotation.ts";

// Real moto (AWS_ENDPOINT_URL from `npm test`); each test uses its own secret.
const region = process.env.AWS_REGION ?? "us-east-1";
const secrets = new SecretsManagerClient({ region });
const sns = new SNSClient({ region });
t.teardown(() => {
  secrets.destroy();
  sns.destroy();
});
const topicArn = String((await sns.send(new CreateTopicCommand({ Name: `rotation-test-${randomUUID()}` }))).TopicArn);
const deps = { secrets, sns, topicArn, now: () => new Date("2026-11-24T00:00:00Z") };

async function runAllSteps(secretId: string, token: string) {
  for (const Step of ["createSecret", "setSecret", "testSecret", "finishSecret"] as const) {
    await rotate({ Step, SecretId: secretId, ClientRequestToken: token }, deps);
  }
}

t.test("a rotation stages the current object with a marker, then promotes it to AWSCURRENT", async (t) => {
  const name = `bill-mw-test/zoho-oauth-${randomUUID()}`;
  await secrets.send(
    new CreateSecretCommand({ Name: name, SecretString: JSON.stringify({ client_id: "c", client_secret: "s" }) }),
  );
  const token = randomUUID();
  await runAllSteps(name, token);
  const meta = await secrets.send(new DescribeSecretCommand({ SecretId: name }));
  t.ok(meta.VersionIdsToStages?.[token]?.includes("AWSCURRENT"), "the staged version is current");
  t.ok(
    Object.values(meta.VersionIdsToStages ?? {}).some((s) => s.includes("AWSPREVIOUS")),
    "the old one is previous",
  );
  // Read by version id: moto's GetSecretValue keeps answering with the pre-rotation default version.
  const current = await secrets.send(new GetSecretValueCommand({ SecretId: name, VersionId: token }));
  t.same(JSON.parse(String(current.SecretString)), {
    client_id: "c",
    client_secret: "s",
    rotationRequestedAt: "2026-11-24T00:00:00.000Z",
  });
});

t.test("the API-key list is staged unchanged (the service reads an array)", async (t) => {
  const name = `bill-mw-test/api-keys-${randomUUID()}`;
  const keys = [{ name: "netsuite-prod", sha256: "ab".repeat(32), hmacSecrets: ["whsec_x"] }];
  await secrets.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(keys) }));
  const token = randomUUID();
  await runAllSteps(name, token);
  const staged = await secrets.send(new GetSecretValueCommand({ SecretId: name, VersionId: token }));
  t.same(JSON.parse(String(staged.SecretString)), keys);
});

t.test("a retried createSecret does not stage twice, and a finished rotation is a no-op", async (t) => {
  const name = `bill-mw-test/retry-${randomUUID()}`;
  await secrets.send(new CreateSecretCommand({ Name: name, SecretString: "{}" }));
  const token = randomUUID();
  await rotate({ Step: "createSecret", SecretId: name, ClientRequestToken: token }, deps);
  await rotate({ Step: "createSecret", SecretId: name, ClientRequestToken: token }, deps);
  await runAllSteps(name, token);
  const meta = await secrets.send(new DescribeSecretCommand({ SecretId: name }));
  t.equal(Object.keys(meta.VersionIdsToStages ?? {}).length, 2, "the original and one rotated version");
});

t.test("a secret that is not JSON fails the rotation without echoing the value", async (t) => {
  const name = `bill-mw-test/bad-${randomUUID()}`;
  await secrets.send(new CreateSecretCommand({ Name: name, SecretString: "hunter2-not-json" }));
  const err = await rotate({ Step: "createSecret", SecretId: name, ClientRequestToken: randomUUID() }, deps).catch(
    (e) => e,
  );
  t.ok(err instanceof RotationError);
  t.notMatch(String(err.message), /hunter2/);
});

t.test("steps after createSecret refuse a version that was never staged", async (t) => {
  const name = `bill-mw-test/unstaged-${randomUUID()}`;
  await secrets.send(new CreateSecretCommand({ Name: name, SecretString: "{}" }));
  await t.rejects(rotate({ Step: "setSecret", SecretId: name, ClientRequestToken: randomUUID() }, deps), RotationError);
});
