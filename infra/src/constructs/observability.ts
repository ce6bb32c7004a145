import { AutoscalingNotification } from "@cdktf/provider-aws/lib/autoscaling-notification/index.js";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter/index.js";
import {
  CloudwatchMetricAlarm,
  type CloudwatchMetricAlarmConfig,
} from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic/index.js";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription/index.js";
import { Construct } from "constructs";
import { baselineAlarmSpecs } from "./alarm-baseline.ts";
import { coverageAlarmSpecs, LOG_METRICS } from "./alarm-coverage.ts";

/** The units' log groups (the CloudWatch agent ships to them; the runbooks query them). */
export const appLogGroupNames = (namePrefix: string) => ({
  service: `/bill-mw/${namePrefix}/service`,
  worker: `/bill-mw/${namePrefix}/worker`,
});

export const SEVERITIES = ["critical", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Everything an alarm needs from the rest of the stack. */
export interface AlarmTargets {
  readonly environment: string;
  readonly metricsNamespace: string;
  readonly queueName: string;
  readonly dlqName: string;
  readonly albArnSuffix: string;
  readonly targetGroupArnSuffix: string;
  readonly dbInstanceId: string;
  readonly autoScalingGroupName: string;
  readonly maxInstances: number;
  /** FreeStorageSpace below this many bytes pages (runbooks/rds-storage-low.md). */
  readonly dbFreeStorageBytes: number;
  /** RDS max_connections (the parameter group sets it); the alarm fires at 80%. */
  readonly dbMaxConnections: number;
  /** The replication group's member clusters (`<group>-001`, ...): the CacheClusterId dimension. */
  readonly cacheNodeIds: readonly string[];
  /** CurrConnections on one node above this is a leak (the fleet's pools use far fewer). */
  readonly cacheMaxConnections: number;
  /** The burst consumer Lambda. */
  readonly burstFunctionName: string;
  /** Every ASG of the fleet (one or two tiers): disk alarms watch the worst. */
  readonly fleetGroupNames: readonly string[];
  /** Zoho API calls per day the organization may make (lib/config.ts ZOHO_DAILY_QUOTA). */
  readonly zohoDailyQuota: number;
}

/** One alarm: its runbook (a file under runbooks/, from the cross-team contract) and its metric. */
export interface AlarmSpec {
  readonly id: string;
  readonly runbook: string;
  readonly severity: Exclude<Severity, "info">;
  readonly summary: string;
  readonly threshold: number;
  readonly comparisonOperator: string;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm?: number;
  readonly treatMissingData: "notBreaching" | "breaching" | "missing";
  readonly metric: Pick<
    CloudwatchMetricAlarmConfig,
    "namespace" | "metricName" | "dimensions" | "statistic" | "extendedStatistic" | "period" | "metricQuery"
  >;
}

/** The alarms, as data: the tests read the same list the stack builds from. */
export function alarmSpecs(t: AlarmTargets): AlarmSpec[] {
  return [...baselineAlarmSpecs(t), ...coverageAlarmSpecs(t)];
}

/** Every prop is required (no defaults). */
export interface ObservabilityProps {
  /** Prefix of the topics, alarms and the units' log groups. */
  readonly namePrefix: string;
  /** The resources and thresholds the alarms watch. */
  readonly targets: AlarmTargets;
  /** CMK of the topics (CloudWatch may use it to publish). */
  readonly messagingKeyArn: string;
  /** CMK of the units' log groups. */
  readonly logsKeyArn: string;
  /** Retention of the units' log groups, days. */
  readonly logRetentionDays: number;
  /** E-mail subscribers of the critical and warning topics (each confirms once). */
  readonly alarmEmails: { readonly critical: readonly string[]; readonly warning: readonly string[] };
  /** HTTPS paging targets: the pager gets critical, the chat channel critical and warning. @default {} (none) */
  readonly paging?: PagingTargets;
}

/** Optional HTTPS subscribers (a pager service's and a chat channel's SNS webhook URLs). */
export interface PagingTargets {
  readonly pagerUrl?: string;
  readonly chatUrl?: string;
}

/**
 * SNS topics by severity (critical pages, warning tickets, info is a feed: fleet launches and
 * terminations, rotations), the services' log groups, and one alarm per failure mode, each
 * naming its runbook in the description.
 */
export class Observability extends Construct {
  public readonly topicArns: Record<Severity, string>;
  public readonly logGroupNames: { service: string; worker: string };
  #serviceLogGroup: CloudwatchLogGroup | undefined;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { namePrefix, targets } = props;
    const topics = Object.fromEntries(
      SEVERITIES.map((s) => [
        s,
        new SnsTopic(this, `topic-${s}`, { name: `${namePrefix}-${s}`, kmsMasterKeyId: props.messagingKeyArn }),
      ]),
    ) as Record<Severity, SnsTopic>;
    this.topicArns = { critical: topics.critical.arn, warning: topics.warning.arn, info: topics.info.arn };
    this.#subscribe(topics, props.alarmEmails, props.paging ?? {});

    this.logGroupNames = appLogGroupNames(namePrefix);
    for (const [kind, name] of Object.entries(this.logGroupNames)) {
      const group = new CloudwatchLogGroup(this, `logs-${kind}`, {
        name,
        retentionInDays: props.logRetentionDays,
        kmsKeyId: props.logsKeyArn,
      });
      if (kind === "service") this.#serviceLogGroup = group;
    }

    this.#logMetricFilters(targets.metricsNamespace);
    for (const spec of alarmSpecs(targets)) {
      const topic = topics[spec.severity].arn;
      new CloudwatchMetricAlarm(this, `alarm-${spec.id}`, {
        alarmName: `${namePrefix}-${spec.id}`,
        alarmDescription: `${spec.summary}. Runbook: ${spec.runbook}`,
        threshold: spec.threshold,
        comparisonOperator: spec.comparisonOperator,
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.datapointsToAlarm ?? spec.evaluationPeriods,
        treatMissingData: spec.treatMissingData,
        actionsEnabled: true,
        alarmActions: [topic],
        okActions: [topic],
        ...spec.metric,
      });
    }

    new AutoscalingNotification(this, "fleet-events", {
      groupNames: [targets.autoScalingGroupName],
      topicArn: topics.info.arn,
      notifications: [
        "autoscaling:EC2_INSTANCE_LAUNCH",
        "autoscaling:EC2_INSTANCE_TERMINATE",
        "autoscaling:EC2_INSTANCE_LAUNCH_ERROR",
        "autoscaling:EC2_INSTANCE_TERMINATE_ERROR",
      ],
    });
  }

  /** E-mail per severity; the pager on critical, the chat channel on critical and warning. */
  #subscribe(
    topics: Record<Severity, SnsTopic>,
    emails: ObservabilityProps["alarmEmails"],
    paging: PagingTargets,
  ): void {
    for (const severity of ["critical", "warning"] as const) {
      emails[severity].forEach((endpoint, i) => {
        new SnsTopicSubscription(this, `email-${severity}-${i}`, {
          topicArn: topics[severity].arn,
          protocol: "email",
          endpoint,
        });
      });
    }
    const https: [string, string | undefined, readonly Severity[]][] = [
      ["pager", paging.pagerUrl, ["critical"]],
      ["chat", paging.chatUrl, ["critical", "warning"]],
    ];
    for (const [name, url, severities] of https) {
      if (url === undefined) continue;
      if (!url.startsWith("https://")) throw new Error(`paging.${name}Url must be an https:// URL`);
      for (const severity of severities) {
        new SnsTopicSubscription(this, `https-${name}-${severity}`, {
          topicArn: topics[severity].arn,
          protocol: "https",
          endpoint: url,
          endpointAutoConfirms: true,
        });
      }
    }
  }

  /** 401 and 429 answers counted from the service's "request completed" lines (no dimensions). */
  #logMetricFilters(namespace: string): void {
    const filters: [string, string, number][] = [
      ["unauthorized", LOG_METRICS.unauthorized, 401],
      ["too-many-requests", LOG_METRICS.tooManyRequests, 429],
    ];
    for (const [id, metricName, status] of filters) {
      new CloudwatchLogMetricFilter(this, `filter-${id}`, {
        name: metricName,
        logGroupName: this.logGroupNames.service,
        pattern: `{ $.statusCode = ${status} }`,
        metricTransformation: { name: metricName, namespace, value: "1", defaultValue: "0" },
        dependsOn: [this.#serviceLogGroup!],
      });
    }
  }
}
