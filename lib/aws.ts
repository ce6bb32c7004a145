/**
 * AWS SDK clients. Endpoints come from the SDK's standard AWS_ENDPOINT_URL[_SERVICE] settings, so
 * the same code talks to AWS or to moto; only path-style S3 addressing needs a flag of ours.
 * X-Ray capture wraps each client when tracing is on.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import { captureAwsClient } from "./tracing.ts";

export interface AwsOptions {
  readonly AWS_REGION: string;
  readonly S3_FORCE_PATH_STYLE?: boolean;
  readonly XRAY_ENABLED?: boolean;
}

export interface AwsClients {
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly cloudwatch: CloudWatchClient;
  readonly secrets: SecretsManagerClient;
}

export function createAwsClients(config: AwsOptions): AwsClients {
  const region = config.AWS_REGION;
  const trace = config.XRAY_ENABLED === true;
  return {
    s3: captureAwsClient(new S3Client({ region, forcePathStyle: config.S3_FORCE_PATH_STYLE === true }), trace),
    sqs: captureAwsClient(new SQSClient({ region }), trace),
    cloudwatch: captureAwsClient(new CloudWatchClient({ region }), trace),
    secrets: captureAwsClient(new SecretsManagerClient({ region }), trace),
  };
}

export function destroyAwsClients(clients: AwsClients): void {
  for (const c of Object.values(clients)) c.destroy();
}
