import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint/index.js";
import { Construct } from "constructs";

/** Interface endpoints the services use. CloudWatch has two: metrics (monitoring) and logs. */
export const INTERFACE_ENDPOINT_SERVICES = ["sqs", "secretsmanager", "monitoring", "logs", "kms", "xray"] as const;

export interface EndpointsProps {
  readonly region: string;
  readonly vpcId: string;
  /** Subnets of the interface endpoints' network interfaces (the app subnets). */
  readonly subnetIds: string[];
  readonly securityGroupId: string;
  /** Route tables the S3 gateway endpoint is added to. */
  readonly routeTableIds: string[];
}

/** S3 gateway endpoint (free, keeps PDF traffic off the NAT) and interface endpoints with private DNS. */
export class Endpoints extends Construct {
  constructor(scope: Construct, id: string, props: EndpointsProps) {
    super(scope, id);
    new VpcEndpoint(this, "s3", {
      vpcId: props.vpcId,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: props.routeTableIds,
    });
    for (const service of INTERFACE_ENDPOINT_SERVICES) {
      new VpcEndpoint(this, service, {
        vpcId: props.vpcId,
        serviceName: `com.amazonaws.${props.region}.${service}`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: props.subnetIds,
        securityGroupIds: [props.securityGroupId],
      });
    }
  }
}
