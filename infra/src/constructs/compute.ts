import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group/index.js";
import { AutoscalingPolicy } from "@cdktf/provider-aws/lib/autoscaling-policy/index.js";
import { AutoscalingSchedule } from "@cdktf/provider-aws/lib/autoscaling-schedule/index.js";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template/index.js";
import { Fn, TerraformLocal } from "cdktf";
import { Construct } from "constructs";
import type { CapacitySchedule } from "../environments.ts";
import { assumeRolePolicy, policyDocument, type Statement } from "./iam.ts";
import { renderUserData, type UserDataProps } from "./user-data.ts";

/** Current Amazon Linux 2023, resolved by EC2 at each launch, so an instance refresh picks up patches. */
export const AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

/** Group metrics collected at 1-minute granularity; GroupInServiceInstances feeds the backlog policy. */
export const GROUP_METRICS = [
  "GroupMinSize",
  "GroupMaxSize",
  "GroupDesiredCapacity",
  "GroupInServiceInstances",
  "GroupPendingInstances",
  "GroupTerminatingInstances",
  "GroupTotalInstances",
];

export interface ComputeProps {
  /** Prefix of the role, instance profile, launch template and Name tags. Required; no default. */
  readonly namePrefix: string;
  /**
   * Tier name: `<namePrefix>-<tier>` names the role, profile and template, and the instances carry
   * it as their `Tier` tag (on-call Session Manager access is scoped by it). Required; no default.
   */
  readonly tier: string;
  /** ASG name (lib/naming.ts; the release command refreshes it). Required; no default. */
  readonly autoScalingGroupName: string;
  /** EC2 instance type. Required; no default (environments.ts). */
  readonly instanceType: string;
  /** App subnets the ASG spans, one per AZ. Required; no default. */
  readonly subnetIds: string[];
  /** The instances' security group. Required; no default. */
  readonly securityGroupId: string;
  /** ALB target group the instances register with (ELB health checks). @default none: EC2 health checks */
  readonly targetGroupArn?: string;
  /** CMK of the root volume. Required; no default. */
  readonly ebsKeyArn: string;
  /** Lower fleet bound; the scaling policies and schedules move within the bounds. Required; no default. */
  readonly minSize: number;
  /** Upper fleet bound (the asg-at-max alarm fires at it). Required; no default. */
  readonly maxSize: number;
  /** Target of the CPU tracking policy, percent (environments.ts: 70). @default none: no CPU policy */
  readonly cpuTargetPercent?: number;
  /** Target of the SQS backlog-per-instance policy, messages (environments.ts: 100). @default none: no backlog policy */
  readonly backlogPerInstanceTarget?: number;
  /** Bill queue whose visible messages the backlog policy divides by the instances in service. Required. */
  readonly queueName: string;
  /** IANA time zone of both schedules. Required; no default. */
  readonly scheduleTimeZone: string;
  /** Evening scale-down. Required; no default. */
  readonly nightSchedule: CapacitySchedule;
  /** Weekday morning scale-up. Required; no default. */
  readonly morningSchedule: CapacitySchedule;
  /** Least-privilege statements of the instance role (stacks/role-statements.ts). Required; no default. */
  readonly permissions: readonly Statement[];
  /** What the boot script needs (user-data.ts). Required; no default. */
  readonly userData: UserDataProps;
  /** Root volume size, GiB. @default 20 */
  readonly rootVolumeGb?: number;
}

/** Metric math of the backlog policy: visible messages in the bill queue / instances in service. */
function backlogPerInstance(props: Pick<ComputeProps, "queueName" | "autoScalingGroupName">) {
  return [
    {
      id: "visible",
      label: "Messages waiting in the bill queue",
      metricStat: {
        metric: {
          namespace: "AWS/SQS",
          metricName: "ApproximateNumberOfMessagesVisible",
          dimensions: [{ name: "QueueName", value: props.queueName }],
        },
        stat: "Sum",
      },
      returnData: false,
    },
    {
      id: "in_service",
      label: "Instances in service",
      metricStat: {
        metric: {
          namespace: "AWS/AutoScaling",
          metricName: "GroupInServiceInstances",
          dimensions: [{ name: "AutoScalingGroupName", value: props.autoScalingGroupName }],
        },
        stat: "Average",
      },
      returnData: false,
    },
    { id: "backlog_per_instance", label: "Backlog per instance", expression: "visible / in_service", returnData: true },
  ];
}

/**
 * One tier of the app fleet: a launch template (IMDSv2 only, encrypted gp3 root volume, no public address,
 * SSM-resolved AMI) and an Auto Scaling group across the app subnets with ELB health checks,
 * rolling instance refresh, target tracking on CPU and on SQS backlog per instance (metric math,
 * as AWS recommends), and night/morning schedules.
 */
export class Compute extends Construct {
  public readonly autoScalingGroupName: string;
  public readonly roleArn: string;
  public readonly launchTemplateId: string;

  constructor(scope: Construct, id: string, props: ComputeProps) {
    super(scope, id);
    const { role, profile } = this.#instanceRole(props);
    const template = this.#launchTemplate(props, profile);
    const asg = new AutoscalingGroup(this, "asg", {
      name: props.autoScalingGroupName,
      minSize: props.minSize,
      maxSize: props.maxSize,
      vpcZoneIdentifier: props.subnetIds,
      targetGroupArns: props.targetGroupArn ? [props.targetGroupArn] : undefined,
      healthCheckType: props.targetGroupArn ? "ELB" : "EC2",
      healthCheckGracePeriod: 300,
      defaultInstanceWarmup: 300,
      launchTemplate: { id: template.id, version: template.latestVersion.toString() },
      instanceRefresh: {
        strategy: "Rolling",
        preferences: { minHealthyPercentage: 90, autoRollback: true, skipMatching: true },
      },
      enabledMetrics: GROUP_METRICS,
      metricsGranularity: "1Minute",
      terminationPolicies: ["OldestLaunchTemplate", "Default"],
      tag: [
        { key: "Name", value: `${props.namePrefix}-${props.tier}`, propagateAtLaunch: true },
        { key: "Tier", value: props.tier, propagateAtLaunch: true },
      ],
      // Scaling policies and schedules own the desired capacity.
      lifecycle: { ignoreChanges: ["desired_capacity"] },
    });
    this.#scalingPolicies(props, asg);
    this.#schedules(props, asg);
    this.autoScalingGroupName = props.autoScalingGroupName;
    this.roleArn = role.arn;
    this.launchTemplateId = template.id;
  }

  /** The instance role: the given statements, Session Manager, and its instance profile. */
  #instanceRole({ namePrefix, tier, permissions }: ComputeProps) {
    const role = new IamRole(this, "role", {
      name: `${namePrefix}-${tier}`,
      assumeRolePolicy: assumeRolePolicy("ec2.amazonaws.com"),
    });
    new IamRolePolicy(this, "app-policy", {
      name: "bill-middleware",
      role: role.id,
      policy: policyDocument(permissions),
    });
    // Session Manager instead of SSH: no key pair, no port 22.
    new IamRolePolicyAttachment(this, "ssm-core", {
      role: role.name,
      policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    });
    const profile = new IamInstanceProfile(this, "profile", { name: `${namePrefix}-${tier}`, role: role.name });
    return { role, profile };
  }

  /** IMDSv2 only, encrypted gp3 root volume with the CMK, no key pair, the boot script as a local. */
  #launchTemplate(props: ComputeProps, profile: IamInstanceProfile): LaunchTemplate {
    const { namePrefix, tier, rootVolumeGb = 20 } = props;
    // A local keeps the script readable in the synthesized JSON; base64 is applied by Terraform.
    const userData = new TerraformLocal(this, "user-data", renderUserData(props.userData));
    return new LaunchTemplate(this, "template", {
      name: `${namePrefix}-${tier}`,
      imageId: `resolve:ssm:${AMI_PARAMETER}`,
      instanceType: props.instanceType,
      iamInstanceProfile: { arn: profile.arn },
      vpcSecurityGroupIds: [props.securityGroupId],
      updateDefaultVersion: true,
      ebsOptimized: "true",
      monitoring: { enabled: true },
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required", // IMDSv2 only
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: "disabled",
      },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            volumeType: "gp3",
            volumeSize: rootVolumeGb,
            encrypted: "true",
            kmsKeyId: props.ebsKeyArn,
            deleteOnTermination: "true",
          },
        },
      ],
      userData: Fn.base64encode(userData.asString),
      tagSpecifications: [
        { resourceType: "instance", tags: { Name: `${namePrefix}-${tier}`, Tier: tier } },
        { resourceType: "volume", tags: { Name: `${namePrefix}-${tier}` } },
      ],
    });
  }

  /** Target tracking on CPU and/or on SQS backlog per instance in service, whichever the tier sets. */
  #scalingPolicies(props: ComputeProps, asg: AutoscalingGroup): void {
    if (props.cpuTargetPercent !== undefined) {
      new AutoscalingPolicy(this, "cpu", {
        name: "cpu-target",
        autoscalingGroupName: asg.name,
        policyType: "TargetTrackingScaling",
        targetTrackingConfiguration: {
          predefinedMetricSpecification: { predefinedMetricType: "ASGAverageCPUUtilization" },
          targetValue: props.cpuTargetPercent,
        },
      });
    }
    if (props.backlogPerInstanceTarget === undefined) return;
    // https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-target-tracking-metric-math.html
    new AutoscalingPolicy(this, "backlog", {
      name: "sqs-backlog-per-instance",
      autoscalingGroupName: asg.name,
      policyType: "TargetTrackingScaling",
      targetTrackingConfiguration: {
        targetValue: props.backlogPerInstanceTarget,
        customizedMetricSpecification: { metrics: backlogPerInstance(props) },
      },
    });
  }

  /** Night scale-down and morning scale-up, in the schedule's time zone. */
  #schedules(props: ComputeProps, asg: AutoscalingGroup): void {
    const schedule = (sid: string, s: CapacitySchedule) =>
      new AutoscalingSchedule(this, sid, {
        scheduledActionName: sid,
        autoscalingGroupName: asg.name,
        recurrence: s.recurrence,
        timeZone: props.scheduleTimeZone,
        minSize: s.minSize,
        maxSize: s.maxSize,
        desiredCapacity: s.desiredCapacity,
      });
    schedule("night-scale-down", props.nightSchedule);
    schedule("morning-scale-up", props.morningSchedule);
  }
}
