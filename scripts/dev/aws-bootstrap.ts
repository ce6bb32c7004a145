/**
 * CLI: bootstraps the local AWS stand-in for one environment and prints the settings to export.
 * Usage: node scripts/dev/aws-bootstrap.ts [env]   (reads AWS_ENDPOINT_URL / AWS_REGION like the services)
 */
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DEFAULT_MAX_RECEIVE_COUNT, resourceNames } from "../../lib/naming.ts";
import { bootstrapAws } from "../../lib/testing/aws-bootstrap.ts";

const env = process.argv[2] ?? "local";
const region = process.env.AWS_REGION ?? "us-east-1";
const names = resourceNames(env);
const s3 = new S3Client({ region, forcePathStyle: true });
const sqs = new SQSClient({ region });
const out = await bootstrapAws({ s3, sqs }, names, {
  maxReceiveCount: DEFAULT_MAX_RECEIVE_COUNT,
  visibilityTimeoutS: 120,
});
const settings: Record<string, string> = {
  INCOMING_BUCKET: names.incomingBucket,
  PROCESSED_BUCKET: names.processedBucket,
  QUEUE_URL: out.queueUrl,
  DLQ_URL: out.dlqUrl,
  S3_FORCE_PATH_STYLE: "true",
};
for (const [k, v] of Object.entries(settings)) console.log(`export ${k}=${v}`);
s3.destroy();
sqs.destroy();
