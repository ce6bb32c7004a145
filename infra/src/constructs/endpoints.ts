import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint/index.js";
import { Construct } from "constructs";

/** Interface endpoints the services use. CloudWatch has two: metrics (monitoring) and logs. */
export const INTERFACE_ENDPOINT_SERVICES = ["sqs", "secretsmanager", "monitoring", "logs", "kms", "xray"] as const;

/** Services whose calls name a resource: the endpoint also requires the resource to be ours. */
const RESOURCE_SCOPED: ReadonlySet<string> = new Set(["sqs", "secretsmanager", "kms"]);

/**
 * AWS-owned buckets the instances read through the S3 gateway: the AL2023 package repositories
 * (dnf) and what the SSM agent fetches (Session Manager, updates), per the AL2023 and SSM guides.
 */
export const AWS_OWNED_BUCKETS = (region: string) => [
  `al2023-repos-${region}-de612dc2`,
  `amazon-ssm-${region}`,
  `amazon-ssm-packages-${region}`,
  `aws-ssm-${region}`,
  `aws-ssm-distributor-file-${region}`,
  `aws-ssm-document-attachments-${region}`,
  `${region}-birdwatcher-prod`,
  `patch-baseline-snapshot-${region}`,
];

export interface EndpointsProps {
  /** Region of the endpoint service names (`com.amazonaws.<region>.<service>`). Required; no default. */
  readonly region: string;
  /** The account whose principals (and, where a call names one, resources) the endpoints serve. Required. */
  readonly accountId: string;
  /** VPC the endpoints are created in. Required; no default. */
  readonly vpcId: string;
  /** Subnets of the interface endpoints' network interfaces (the app subnets). Required; no default. */
  readonly subnetIds: string[];
  /** Group of the interface endpoints (443 from the instances and the Lambda). Required; no default. */
  readonly securityGroupId: string;
  /** Route tables the S3 gateway endpoint is added to. Required; no default. */
  readonly routeTableIds: string[];
}

/**
 * S3 gateway endpoint (free, keeps PDF traffic off the NAT) and interface endpoints with private DNS,
 * each with a policy: only this account's principals, and for S3, SQS, Secrets Manager and KMS only
 * this account's resources (plus the AWS-owned buckets dnf and the SSM agent read), so stolen
 * credentials of another account cannot carry data out through them.
 */
export class Endpoints extends Construct {
  constructor(scope: Construct, id: string, props: EndpointsProps) {
    super(scope, id);
    new VpcEndpoint(this, "s3", {
      vpcId: props.vpcId,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: props.routeTableIds,
      policy: JSON.stringify(s3EndpointPolicy(props.region, props.accountId)),
    });
    for (const service of INTERFACE_ENDPOINT_SERVICES) {
      new VpcEndpoint(this, service, {
        vpcId: props.vpcId,
        serviceName: `com.amazonaws.${props.region}.${service}`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: props.subnetIds,
        securityGroupIds: [props.securityGroupId],
        policy: JSON.stringify(interfaceEndpointPolicy(service, props.accountId)),
      });
    }
  }
}

/** This account's principals; for resource-scoped services, only this account's resources too. */
export function interfaceEndpointPolicy(service: string, accountId: string) {
  const condition: Record<string, string> = { "aws:PrincipalAccount": accountId };
  if (RESOURCE_SCOPED.has(service)) condition["aws:ResourceAccount"] = accountId;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "OwnAccount",
        Effect: "Allow",
        Principal: "*",
        Action: "*",
        Resource: "*",
        Condition: { StringEquals: condition },
      },
    ],
  };
}

/** This account's buckets, and reads of the AWS-owned buckets the instances need. */
export function s3EndpointPolicy(region: string, accountId: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "OwnAccountBuckets",
        Effect: "Allow",
        Principal: "*",
        Action: "s3:*",
        Resource: "*",
        Condition: { StringEquals: { "aws:ResourceAccount": accountId } },
      },
      {
        Sid: "AwsOwnedReads",
        Effect: "Allow",
        Principal: "*",
        Action: "s3:GetObject",
        Resource: AWS_OWNED_BUCKETS(region).map((b) => `arn:aws:s3:::${b}/*`),
      },
    ],
  };
}
