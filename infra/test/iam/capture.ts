/**
 * Preloaded (`node --import`) into each process the enforcement suite starts: appends every AWS
 * command the process's code sends, and how it ended, to IAM_CAPTURE_FILE as one JSON line
 * (lib/aws.ts onCommand). Only the fields that name a resource are kept (never a body).
 */
import { appendFileSync } from "node:fs";
import { onCommand } from "../../../lib/aws.ts";

const file = process.env.IAM_CAPTURE_FILE;
const role = process.env.IAM_CAPTURE_ROLE;
if (!file || !role) throw new Error("IAM_CAPTURE_FILE and IAM_CAPTURE_ROLE must be set");

const NAMING = ["Bucket", "Key", "VersionId", "CopySource", "QueueUrl", "SecretId", "Namespace", "TopicArn", "Name"];
const MORE = ["FunctionName", "AutoScalingGroupName"];

onCommand.push((sent) => {
  const input = Object.fromEntries(
    [...NAMING, ...MORE].filter((k) => typeof sent.input[k] === "string").map((k) => [k, sent.input[k]]),
  );
  appendFileSync(
    file,
    `${JSON.stringify({ at: Date.now(), role, client: sent.client, command: sent.command, input, error: sent.error })}\n`,
  );
});
