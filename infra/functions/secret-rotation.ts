/**
 * Secrets Manager rotation handler for credentials issued outside AWS (Zoho OAuth client and
 * refresh token, NetSuite API keys). AWS cannot mint these, so "rotation" here opens the
 * 90-day cycle: createSecret stages the current value as AWSPENDING (marked with the time the
 * rotation was requested), setSecret and testSecret check the staged value is well-formed JSON,
 * finishSecret promotes it and the warning topic is told which secret to renew at its source.
 * The operator then puts the newly issued value (infra/README.md, "Secrets").
 * Protocol: https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html
 */
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { loadRotationConfig } from "../../lib/config.ts";

export interface RotationEvent {
  readonly Step: "createSecret" | "setSecret" | "testSecret" | "finishSecret";
  readonly SecretId: string;
  readonly ClientRequestToken: string;
}

export interface RotationDeps {
  readonly secrets: Pick<SecretsManagerClient, "send">;
  readonly sns: Pick<SNSClient, "send">;
  readonly topicArn: string;
  readonly now?: () => Date;
}

export class RotationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RotationError";
  }
}

/** One rotation step; the Lambda entry point below wires the real clients. */
export async function rotate(event: RotationEvent, deps: RotationDeps): Promise<void> {
  const { secrets } = deps;
  const { SecretId, ClientRequestToken: token } = event;
  const meta = await secrets.send(new DescribeSecretCommand({ SecretId }));
  const stages = meta.VersionIdsToStages?.[token] ?? [];
  if (stages.includes("AWSCURRENT")) return; // already finished (a retried step)
  if (event.Step !== "createSecret" && !stages.includes("AWSPENDING")) {
    throw new RotationError(`version ${token} is not staged for rotation of ${meta.Name}`);
  }

  switch (event.Step) {
    case "createSecret":
      return stagePending(event, meta.Name, deps);
    case "setSecret":
    case "testSecret": {
      const pending = await secrets.send(
        new GetSecretValueCommand({ SecretId, VersionId: token, VersionStage: "AWSPENDING" }),
      );
      parseObject(pending.SecretString, String(meta.Name));
      return;
    }
    case "finishSecret":
      return promotePending(event, meta, deps);
    default:
      throw new RotationError(`unknown rotation step ${String((event as { Step: unknown }).Step)}`);
  }
}

/** createSecret: stage a copy of the current value as AWSPENDING (the new value is issued outside AWS). */
async function stagePending(event: RotationEvent, name: string | undefined, deps: RotationDeps): Promise<void> {
  const { secrets } = deps;
  const { SecretId, ClientRequestToken: token } = event;
  try {
    await secrets.send(new GetSecretValueCommand({ SecretId, VersionId: token, VersionStage: "AWSPENDING" }));
    return; // staged by an earlier attempt
  } catch (e) {
    if (!(e instanceof ResourceNotFoundException)) throw e;
  }
  const current = await secrets.send(new GetSecretValueCommand({ SecretId, VersionStage: "AWSCURRENT" }));
  const value = parseObject(current.SecretString, String(name));
  // Objects get a marker; arrays (the API-key list) are staged unchanged, as the service reads them.
  const staged = Array.isArray(value)
    ? value
    : { ...value, rotationRequestedAt: (deps.now ?? (() => new Date()))().toISOString() };
  await secrets.send(
    new PutSecretValueCommand({
      SecretId,
      ClientRequestToken: token,
      SecretString: JSON.stringify(staged),
      VersionStages: ["AWSPENDING"],
    }),
  );
}

/** finishSecret: promote the pending version and tell the topic which credential to renew. */
async function promotePending(
  event: RotationEvent,
  meta: { Name?: string; VersionIdsToStages?: Record<string, string[]> },
  deps: RotationDeps,
): Promise<void> {
  const { SecretId, ClientRequestToken: token } = event;
  const { secrets } = deps;
  const currentVersion = Object.entries(meta.VersionIdsToStages ?? {}).find(([, s]) => s.includes("AWSCURRENT"))?.[0];
  await secrets.send(
    new UpdateSecretVersionStageCommand({
      SecretId,
      VersionStage: "AWSCURRENT",
      MoveToVersionId: token,
      RemoveFromVersionId: currentVersion,
    }),
  );
  await deps.sns.send(
    new PublishCommand({
      TopicArn: deps.topicArn,
      Subject: "Credential renewal due",
      // Names the secret, never its value.
      Message: `The 90-day rotation of ${meta.Name} has opened. Issue new credentials at the source (Zoho API console or the NetSuite integration) and put them into the secret; see infra/README.md, section Secrets.`,
    }),
  );
}

function parseObject(text: string | undefined, name: string): Record<string, unknown> | unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text ?? "");
  } catch {
    throw new RotationError(`${name} does not hold JSON`); // never echo the value
  }
  if (typeof value !== "object" || value === null)
    throw new RotationError(`${name} does not hold a JSON object or array`);
  return value as Record<string, unknown> | unknown[];
}

let deps: RotationDeps | undefined;
/** Lambda entry point (`secret-rotation.handler` in the release bundle). */
export async function handler(event: RotationEvent): Promise<void> {
  if (!deps) {
    const config = loadRotationConfig();
    deps = {
      secrets: new SecretsManagerClient({ region: config.AWS_REGION }),
      sns: new SNSClient({ region: config.AWS_REGION }),
      topicArn: config.ROTATION_TOPIC_ARN,
    };
  }
  await rotate(event, deps);
}
