/** The rotation Lambda with its role's keys: the four steps of infra/functions/secret-rotation.ts on one secret. */
import { randomUUID } from "node:crypto";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SNSClient } from "@aws-sdk/client-sns";
import { observeCommands } from "../../../../lib/aws.ts";
import { rotate } from "../../../functions/secret-rotation.ts";

const [secretId, topicArn] = process.argv.slice(2);
if (!secretId || !topicArn) throw new Error("usage: rotation.ts <secret id> <topic arn>");
const deps = {
  secrets: observeCommands(new SecretsManagerClient({})),
  sns: observeCommands(new SNSClient({})),
  topicArn,
};
const token = randomUUID();
for (const Step of ["createSecret", "setSecret", "testSecret", "finishSecret"] as const) {
  await rotate({ Step, SecretId: secretId, ClientRequestToken: token }, deps);
}
console.log(JSON.stringify({ rotated: secretId, token }));
