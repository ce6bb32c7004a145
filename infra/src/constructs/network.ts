import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group/index.js";
import { Eip } from "@cdktf/provider-aws/lib/eip/index.js";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway/index.js";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway/index.js";
import { Route } from "@cdktf/provider-aws/lib/route/index.js";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table/index.js";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association/index.js";
import { Subnet } from "@cdktf/provider-aws/lib/subnet/index.js";
import { Vpc } from "@cdktf/provider-aws/lib/vpc/index.js";
import { Construct } from "constructs";
import { assumeRolePolicy, policyDocument } from "./iam.ts";

type Three = readonly [string, string, string];

export interface NetworkProps {
  /** Prefix of resource names, e.g. `bill-mw-production`. Required; no default. */
  readonly namePrefix: string;
  /** Exactly three AZs: one public, app and data subnet (and one NAT gateway) in each. Required; no default. */
  readonly availabilityZones: Three;
  /** VPC CIDR. @default "10.0.0.0/16" */
  readonly cidr?: string;
  /** ALB and NAT gateways, one per AZ. @default ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"] */
  readonly publicCidrs?: Three;
  /** Instances and the burst Lambda. @default ["10.0.10.0/24", "10.0.11.0/24", "10.0.12.0/24"] */
  readonly appCidrs?: Three;
  /** RDS and ElastiCache; no route to the internet. @default ["10.0.20.0/24", "10.0.21.0/24", "10.0.22.0/24"] */
  readonly dataCidrs?: Three;
  /** KMS key of the flow-log group. Required; no default. */
  readonly logsKeyArn: string;
  /** Flow-log retention, days. Required; no default. */
  readonly logRetentionDays: number;
}

/** The three subnet tiers' CIDRs of one AZ. */
interface ZoneCidrs {
  readonly public: string;
  readonly app: string;
  readonly data: string;
}

/**
 * VPC across three AZs: public, app and data subnets in each, one NAT gateway per AZ (an AZ
 * outage takes only its own egress with it), the default security group stripped of all rules,
 * and flow logs of all traffic to an encrypted log group.
 */
export class Network extends Construct {
  public readonly vpcId: string;
  public readonly cidr: string;
  public readonly publicSubnetIds: string[] = [];
  public readonly appSubnetIds: string[] = [];
  public readonly dataSubnetIds: string[] = [];
  /** Route tables the S3 gateway endpoint is attached to (app and data). */
  public readonly privateRouteTableIds: string[] = [];
  readonly #namePrefix: string;
  readonly #vpc: Vpc;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const {
      namePrefix,
      cidr = "10.0.0.0/16",
      publicCidrs = ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"],
      appCidrs = ["10.0.10.0/24", "10.0.11.0/24", "10.0.12.0/24"],
      dataCidrs = ["10.0.20.0/24", "10.0.21.0/24", "10.0.22.0/24"],
    } = props;
    this.#namePrefix = namePrefix;
    this.#vpc = new Vpc(this, "vpc", {
      cidrBlock: cidr,
      enableDnsHostnames: true, // interface endpoints with private DNS need both
      enableDnsSupport: true,
      tags: { Name: namePrefix },
    });
    this.vpcId = this.#vpc.id;
    this.cidr = cidr;

    // Adopt the default group and leave it with no rules (CKV2_AWS_12): nothing may use it.
    new DefaultSecurityGroup(this, "default-sg", { vpcId: this.vpcId, tags: { Name: `${namePrefix}-default-deny` } });

    const igw = new InternetGateway(this, "igw", { vpcId: this.vpcId, tags: { Name: namePrefix } });
    const publicRt = new RouteTable(this, "public-rt", { vpcId: this.vpcId, tags: { Name: `${namePrefix}-public` } });
    new Route(this, "public-default", {
      routeTableId: publicRt.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: igw.id,
    });
    const dataRt = new RouteTable(this, "data-rt", { vpcId: this.vpcId, tags: { Name: `${namePrefix}-data` } });
    this.privateRouteTableIds.push(dataRt.id);

    props.availabilityZones.forEach((az, i) => {
      const cidrs = { public: publicCidrs[i]!, app: appCidrs[i]!, data: dataCidrs[i]! };
      this.#zone(i, az, cidrs, { igw, publicRt, dataRt });
    });
    this.#flowLogs(props);
  }

  /** One AZ: its public subnet with a NAT gateway, its app subnet routed through that NAT, its data subnet. */
  #zone(
    i: number,
    az: string,
    cidrs: ZoneCidrs,
    shared: { igw: InternetGateway; publicRt: RouteTable; dataRt: RouteTable },
  ): void {
    const namePrefix = this.#namePrefix;
    const vpcId = this.vpcId;
    const pub = new Subnet(this, `public-${i}`, {
      vpcId,
      cidrBlock: cidrs.public,
      availabilityZone: az,
      mapPublicIpOnLaunch: false, // the ALB and NAT gateways get their addresses explicitly
      tags: { Name: `${namePrefix}-public-${az}`, Tier: "public" },
    });
    new RouteTableAssociation(this, `public-rta-${i}`, { subnetId: pub.id, routeTableId: shared.publicRt.id });
    this.publicSubnetIds.push(pub.id);

    const eip = new Eip(this, `nat-eip-${i}`, { domain: "vpc", tags: { Name: `${namePrefix}-nat-${az}` } });
    const nat = new NatGateway(this, `nat-${i}`, {
      allocationId: eip.id,
      subnetId: pub.id,
      tags: { Name: `${namePrefix}-${az}` },
      dependsOn: [shared.igw],
    });

    const app = new Subnet(this, `app-${i}`, {
      vpcId,
      cidrBlock: cidrs.app,
      availabilityZone: az,
      tags: { Name: `${namePrefix}-app-${az}`, Tier: "app" },
    });
    const appRt = new RouteTable(this, `app-rt-${i}`, { vpcId, tags: { Name: `${namePrefix}-app-${az}` } });
    new Route(this, `app-default-${i}`, {
      routeTableId: appRt.id,
      destinationCidrBlock: "0.0.0.0/0",
      natGatewayId: nat.id, // the NAT in the same AZ
    });
    new RouteTableAssociation(this, `app-rta-${i}`, { subnetId: app.id, routeTableId: appRt.id });
    this.appSubnetIds.push(app.id);
    this.privateRouteTableIds.push(appRt.id);

    const data = new Subnet(this, `data-${i}`, {
      vpcId,
      cidrBlock: cidrs.data,
      availabilityZone: az,
      tags: { Name: `${namePrefix}-data-${az}`, Tier: "data" },
    });
    new RouteTableAssociation(this, `data-rta-${i}`, { subnetId: data.id, routeTableId: shared.dataRt.id });
    this.dataSubnetIds.push(data.id);
  }

  /** Flow logs of all traffic to an encrypted log group, through a role that may write only there. */
  #flowLogs(props: Pick<NetworkProps, "logsKeyArn" | "logRetentionDays">): void {
    const flowLogGroup = new CloudwatchLogGroup(this, "flow-logs", {
      name: `/bill-mw/${this.#namePrefix}/vpc-flow-logs`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logsKeyArn,
    });
    const role = new IamRole(this, "flow-logs-role", {
      name: `${this.#namePrefix}-vpc-flow-logs`,
      assumeRolePolicy: assumeRolePolicy("vpc-flow-logs.amazonaws.com"),
    });
    new IamRolePolicy(this, "flow-logs-policy", {
      role: role.id,
      policy: policyDocument([
        {
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          Resource: `${flowLogGroup.arn}:*`,
        },
      ]),
    });
    new FlowLog(this, "flow-log", {
      vpcId: this.vpcId,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: flowLogGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
    });
  }
}
