/**
 * Creates what the infrastructure defines for the bill flow on an AWS API stand-in: the incoming
 * and processed buckets (versioned; Object Lock on processed, as in infra) and the queue with its
 * DLQ and redrive policy. Idempotent. Used by the local stack and by every test file.
 */
import {
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketVersioningCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";

export interface BootstrapNames {
  readonly incomingBucket: string;
  readonly processedBucket: string;
  readonly queue: string;
  readonly deadLetterQueue: string;
}

export interface BootstrapResult {
  readonly queueUrl: string;
  readonly dlqUrl: string;
}

async function ensureBucket(s3: S3Client, bucket: string, objectLock: boolean, encryption: boolean): Promise<void> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: objectLock }));
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name !== "BucketAlreadyOwnedByYou" && name !== "BucketAlreadyExists") throw err;
  }
  await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
  if (!encryption) return;
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket: bucket,
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms" } }],
      },
    }),
  );
}

export async function bootstrapAws(
  clients: { s3: S3Client; sqs: SQSClient },
  names: BootstrapNames,
  opts: {
    maxReceiveCount: number;
    visibilityTimeoutS: number;
    /** false only for the bench's gofakes3, which has no PutBucketEncryption (puts still carry SSE headers). */
    bucketEncryption?: boolean;
  },
): Promise<BootstrapResult> {
  const encryption = opts.bucketEncryption ?? true;
  await ensureBucket(clients.s3, names.incomingBucket, false, encryption);
  await ensureBucket(clients.s3, names.processedBucket, true, encryption);
  const dlq = await clients.sqs.send(
    new CreateQueueCommand({ QueueName: names.deadLetterQueue, Attributes: { MessageRetentionPeriod: "1209600" } }),
  );
  const dlqUrl = dlq.QueueUrl as string;
  const dlqAttrs = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] }),
  );
  const q = await clients.sqs.send(
    new CreateQueueCommand({
      QueueName: names.queue,
      Attributes: {
        VisibilityTimeout: String(opts.visibilityTimeoutS),
        MessageRetentionPeriod: "1209600",
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqAttrs.Attributes?.QueueArn,
          maxReceiveCount: opts.maxReceiveCount,
        }),
      },
    }),
  );
  return { queueUrl: q.QueueUrl as string, dlqUrl };
}
