import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping/index.js";
import { Construct } from "constructs";
import { NodeFunction, type NodeFunctionProps } from "./node-function.ts";

/** NodeFunction's props (documented there) without handler and description, which this construct sets. */
export interface BurstConsumerProps extends Omit<NodeFunctionProps, "handler" | "description"> {
  /** Bill queue the event source mapping reads. Required; no default. */
  readonly queueArn: string;
  /** Most concurrent invocations the queue may drive (>= 2); keeps the fleet under Zoho's limit. Required; no default. */
  readonly maxConcurrency: number;
}

/**
 * The consumer's handler (`consumer/src/lambda.ts`, bundled as `lambda.mjs`) on the bill queue:
 * absorbs bursts beside the instance workers, reports partial batch failures so one bad bill does
 * not re-deliver its batch, and is capped twice: reserved concurrency and the event source's
 * maximum concurrency. Zoho's per-organization limit is still enforced by the shared Redis limiter.
 */
export class BurstConsumer extends Construct {
  public readonly functionName: string;

  constructor(scope: Construct, id: string, props: BurstConsumerProps) {
    super(scope, id);
    const { queueArn, maxConcurrency, ...fn } = props;
    const consumer = new NodeFunction(this, "consumer", {
      ...fn,
      handler: "lambda.handler",
      description: "Bill delivery worker for bursts (same bundle as the instances)",
    });
    new LambdaEventSourceMapping(this, "queue", {
      eventSourceArn: queueArn,
      functionName: consumer.arn,
      batchSize: 10,
      maximumBatchingWindowInSeconds: 5,
      functionResponseTypes: ["ReportBatchItemFailures"],
      scalingConfig: { maximumConcurrency: maxConcurrency },
    });
    this.functionName = consumer.name;
  }
}
