import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue/index.js";
import { SqsQueueRedriveAllowPolicy } from "@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy/index.js";
import { Construct } from "constructs";

export interface QueueProps {
  /** Name of the bill queue (lib/naming.ts). Required; no default. */
  readonly queueName: string;
  /** Name of the DLQ. Required; no default. */
  readonly deadLetterQueueName: string;
  /** CMK for both queues (CKV2_AWS_73: not the AWS-managed key). Required; no default. */
  readonly kmsKeyArn: string;
  /** Receives before SQS moves a message to the DLQ. Required; no default (environments.ts: 5). */
  readonly maxReceiveCount: number;
  /** Worker's processing budget per message, seconds. Required; no default. */
  readonly workerBudgetSeconds: number;
  /** Timeout of the burst Lambda reading this queue, seconds. Required; no default. */
  readonly lambdaTimeoutSeconds: number;
}

/**
 * Bill queue and its DLQ. The visibility timeout sits above the worker's budget and is at least
 * six times the Lambda's timeout, as AWS asks for Lambda event sources, so a message is never
 * handed to a second consumer while the first may still be working on it. The DLQ keeps messages
 * for the 14-day maximum so there is time to redrive them.
 */
export class Queue extends Construct {
  public readonly url: string;
  public readonly arn: string;
  public readonly name: string;
  public readonly dlqUrl: string;
  public readonly dlqArn: string;
  public readonly dlqName: string;
  public readonly visibilityTimeoutSeconds: number;

  constructor(scope: Construct, id: string, props: QueueProps) {
    super(scope, id);
    const encryption = { kmsMasterKeyId: props.kmsKeyArn, kmsDataKeyReusePeriodSeconds: 300 };
    const dlq = new SqsQueue(this, "dlq", {
      name: props.deadLetterQueueName,
      messageRetentionSeconds: 14 * 24 * 3600,
      ...encryption,
    });
    this.visibilityTimeoutSeconds = Math.max(props.workerBudgetSeconds + 30, 6 * props.lambdaTimeoutSeconds);
    const queue = new SqsQueue(this, "queue", {
      name: props.queueName,
      visibilityTimeoutSeconds: this.visibilityTimeoutSeconds,
      messageRetentionSeconds: 4 * 24 * 3600,
      receiveWaitTimeSeconds: 20,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: props.maxReceiveCount }),
      ...encryption,
    });
    // Only the bill queue may use the DLQ.
    new SqsQueueRedriveAllowPolicy(this, "dlq-allow", {
      queueUrl: dlq.url,
      redriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [queue.arn] }),
    });
    this.url = queue.url;
    this.arn = queue.arn;
    this.name = props.queueName;
    this.dlqUrl = dlq.url;
    this.dlqArn = dlq.arn;
    this.dlqName = props.deadLetterQueueName;
  }
}
