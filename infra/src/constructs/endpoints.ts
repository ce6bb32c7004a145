import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint/index.js";
import { Construct } from "constructs";

/** Interface endpoints the services use. CloudWatch has two: metrics (monitoring) and logs. */
export const INTERFACE_ENDPOINT_SERVICES = ["sqs", "secretsmanager", "monitoring", "logs", "kms", "xray"] as const;

export interface EndpointsProps {
  /** Region of the endpoint service names (`com.amazonaws.<region>.<service>`). Required; no default. */
  readonly region: string;
  /** VPC the endpoints are created in. Required; no default. */
  readonly vpcId: string;
  /** Subnets of the interface endpoints' network interfaces (the app subnets). Required; no default. */
  readonly subnetIds: string[];
  /** Group of the interface endpoints (443 from the instances and the Lambda). Required; no default. */
  readonly securityGroupId: string;
  /** Route tables the S3 gateway endpoint is added to. Required; no default. */
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
