import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard/index.js";
import { Construct } from "constructs";

/** What the widgets chart. Every prop is required (no defaults): each names one resource or dimension. */
export interface DashboardsProps {
  /** Prefix of the dashboards' names (`<namePrefix>-<dashboard>`). */
  readonly namePrefix: string;
  /** Region the widgets read metrics from. */
  readonly region: string;
  /** Environment dimension of the application's metrics (lib/config.ts ENVIRONMENT). */
  readonly environment: string;
  /** Namespace of the application's metrics (lib/config.ts METRICS_NAMESPACE). */
  readonly metricsNamespace: string;
  /** ALB ARN suffix (the LoadBalancer dimension). */
  readonly albArnSuffix: string;
  /** Target group ARN suffix (the TargetGroup dimension). */
  readonly targetGroupArnSuffix: string;
  /** Every ASG of the fleet (ingest and worker tiers, or the single tier): each is charted. */
  readonly fleetGroupNames: readonly string[];
  /** RDS instance identifier. */
  readonly dbInstanceId: string;
  /** Redis replication group id. */
  readonly cacheClusterId: string;
  /** Bill queue name (the QueueName dimension). */
  readonly queueName: string;
  /** Dead-letter queue name. */
  readonly dlqName: string;
  /** Burst consumer Lambda. */
  readonly burstFunctionName: string;
}

type Metric = (string | Record<string, string | number>)[];
interface Widget {
  readonly title: string;
  readonly metrics: Metric[];
  readonly stat?: string;
}

/** Dashboard names, one per audience. */
export const DASHBOARDS = ["infrastructure", "application", "business"] as const;

/**
 * Three dashboards: infrastructure (on-call: ALB, fleet, database, cache, queue), application
 * (the services' own metrics, dimension Environment) and business (bills in, delivered, failed).
 */
export class Dashboards extends Construct {
  constructor(scope: Construct, id: string, props: DashboardsProps) {
    super(scope, id);
    const widgets: Record<(typeof DASHBOARDS)[number], Widget[]> = {
      infrastructure: infrastructureWidgets(props),
      application: applicationWidgets(props),
      business: businessWidgets(props),
    };
    for (const name of DASHBOARDS) {
      new CloudwatchDashboard(this, name, {
        dashboardName: `${props.namePrefix}-${name}`,
        dashboardBody: JSON.stringify({
          widgets: widgets[name].map((w, i) => ({
            type: "metric",
            x: (i % 2) * 12,
            y: Math.floor(i / 2) * 6,
            width: 12,
            height: 6,
            properties: {
              title: w.title,
              region: props.region,
              view: "timeSeries",
              stat: w.stat ?? "Average",
              period: 300,
              metrics: w.metrics,
            },
          })),
        }),
      });
    }
  }
}

/** On-call: ALB, fleet, database, cache, queue, burst Lambda (declarative table). */
function infrastructureWidgets(props: DashboardsProps): Widget[] {
  const alb = ["LoadBalancer", props.albArnSuffix];
  const queue = ["QueueName", props.queueName];
  return [
    {
      title: "ALB requests and 5xx",
      metrics: [
        ["AWS/ApplicationELB", "RequestCount", ...alb],
        ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", ...alb],
        ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", ...alb],
      ],
      stat: "Sum",
    },
    {
      title: "Target response time p99 (s)",
      metrics: [["AWS/ApplicationELB", "TargetResponseTime", ...alb, { stat: "p99" }]],
    },
    {
      title: "Healthy / unhealthy targets",
      metrics: [
        ["AWS/ApplicationELB", "HealthyHostCount", ...alb, "TargetGroup", props.targetGroupArnSuffix],
        ["AWS/ApplicationELB", "UnHealthyHostCount", ...alb, "TargetGroup", props.targetGroupArnSuffix],
      ],
      stat: "Maximum",
    },
    {
      title: "Fleet per tier: in service and CPU",
      metrics: props.fleetGroupNames.flatMap((group): Metric[] => [
        ["AWS/AutoScaling", "GroupInServiceInstances", "AutoScalingGroupName", group],
        ["AWS/EC2", "CPUUtilization", "AutoScalingGroupName", group],
      ]),
      stat: "Average",
    },
    {
      title: "RDS CPU, connections, free storage",
      metrics: [
        ["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", props.dbInstanceId],
        ["AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier", props.dbInstanceId],
        ["AWS/RDS", "FreeStorageSpace", "DBInstanceIdentifier", props.dbInstanceId],
      ],
      stat: "Average",
    },
    {
      title: "Redis CPU and memory",
      metrics: [
        ["AWS/ElastiCache", "EngineCPUUtilization", "ReplicationGroupId", props.cacheClusterId],
        ["AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "ReplicationGroupId", props.cacheClusterId],
      ],
      stat: "Average",
    },
    {
      title: "Queue depth, oldest message, DLQ",
      metrics: [
        ["AWS/SQS", "ApproximateNumberOfMessagesVisible", ...queue],
        ["AWS/SQS", "ApproximateAgeOfOldestMessage", ...queue],
        ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", props.dlqName],
      ],
      stat: "Maximum",
    },
    {
      title: "Burst Lambda",
      metrics: [
        ["AWS/Lambda", "ConcurrentExecutions", "FunctionName", props.burstFunctionName],
        ["AWS/Lambda", "Errors", "FunctionName", props.burstFunctionName],
        ["AWS/Lambda", "Throttles", "FunctionName", props.burstFunctionName],
      ],
      stat: "Sum",
    },
  ];
}

/** The services' own metrics, dimension Environment (declarative table). */
function applicationWidgets({ metricsNamespace: ns, environment: env }: DashboardsProps): Widget[] {
  return [
    { title: "Ingest latency p99 (ms)", metrics: [[ns, "IngestLatency", "Environment", env, { stat: "p99" }]] },
    {
      title: "Bills accepted, rejected, rate limited",
      metrics: [
        [ns, "BillsAccepted", "Environment", env],
        [ns, "RateLimited", "Environment", env],
        [
          {
            expression: `SUM(SEARCH('{${ns},Environment,Reason} MetricName="BillsRejected" Environment="${env}"', 'Sum', 300))`,
            label: "BillsRejected",
            id: "rejected",
          },
        ],
      ],
      stat: "Sum",
    },
    {
      title: "PDF processing time p95 (ms)",
      metrics: [[ns, "PDFProcessingTime", "Environment", env, { stat: "p95" }]],
    },
    {
      title: "Zoho success rate (%)",
      metrics: [[ns, "ZohoAPISuccessRate", "Environment", env]],
      stat: "Average",
    },
    {
      title: "Zoho throttles and token refreshes",
      metrics: [
        [ns, "ZohoThrottles", "Environment", env],
        [ns, "ZohoTokenRefreshes", "Environment", env],
        [ns, "ZohoTokenRefreshFailures", "Environment", env],
      ],
      stat: "Sum",
    },
    { title: "Zoho calls per bill", metrics: [[ns, "ZohoCallsPerBill", "Environment", env]], stat: "Average" },
  ];
}

/** Bills in, delivered, failed (and still open), waiting (declarative table). */
function businessWidgets(props: DashboardsProps): Widget[] {
  const ns = props.metricsNamespace;
  const env = props.environment;
  const queue = ["QueueName", props.queueName];
  return [
    {
      title: "Bills delivered, failed, retried (per hour)",
      metrics: ["success", "failed", "retry", "throttled"].map((o) => [
        ns,
        "PDFsProcessed",
        "Environment",
        env,
        "Outcome",
        o,
        { period: 3600 },
      ]),
      stat: "Sum",
    },
    {
      title: "Failed bills waiting for finance (open, unresolved)",
      metrics: [[ns, "FailedBillsOpen", "Environment", env, { period: 3600 }]],
      stat: "Maximum",
    },
    {
      title: "Bills accepted (per hour)",
      metrics: [[ns, "BillsAccepted", "Environment", env, { period: 3600 }]],
      stat: "Sum",
    },
    {
      title: "Waiting for delivery / in the DLQ",
      metrics: [
        ["AWS/SQS", "ApproximateNumberOfMessagesVisible", ...queue],
        ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", props.dlqName],
      ],
      stat: "Maximum",
    },
  ];
}
