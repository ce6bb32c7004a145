import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission/index.js";
import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation/index.js";
import { Construct } from "constructs";
import { NodeFunction, type NodeFunctionProps } from "./node-function.ts";

/** Rotation period of the Zoho OAuth and API-key secrets. */
export const ROTATION_DAYS = 90;

/**
 * NodeFunction's props (documented there) except handler and description, set here. All required.
 * `permissions` are the rotation's list (infra/functions/aws-permissions.ts) as statements.
 */
export interface SecretRotationProps extends Omit<NodeFunctionProps, "handler" | "description"> {
  /** Secrets rotated every ROTATION_DAYS. */
  readonly secretArns: readonly string[];
  /** Topic told when a rotation opens (the new credentials are issued at Zoho / to NetSuite). */
  readonly topicArn: string;
  /** Only this account's Secrets Manager may invoke the rotator. */
  readonly accountId: string;
}

/**
 * 90-day rotation of the Zoho OAuth and API-key secrets with the four-step Secrets Manager
 * protocol (handler `secret-rotation.handler`, source infra/functions/secret-rotation.ts). Their
 * values are issued outside AWS (Zoho's API console, the NetSuite integration record), so the
 * function stages the current value as AWSPENDING, tells the warning topic that a rotation is
 * due, and promotes it; an operator then puts the newly issued credentials (infra/README.md).
 */
export class SecretRotation extends Construct {
  constructor(scope: Construct, id: string, props: SecretRotationProps) {
    super(scope, id);
    const { secretArns, topicArn, accountId, ...fn } = props;
    const rotation = new NodeFunction(this, "rotator", {
      ...fn,
      handler: "secret-rotation.handler",
      description: "Secrets Manager rotation for externally issued credentials (Zoho OAuth, API keys)",
      environment: { ...fn.environment, ROTATION_TOPIC_ARN: topicArn },
    });
    new LambdaPermission(this, "allow-secrets-manager", {
      statementId: "AllowSecretsManager",
      action: "lambda:InvokeFunction",
      functionName: rotation.name,
      principal: "secretsmanager.amazonaws.com",
      sourceAccount: accountId,
    });
    secretArns.forEach((secretId, i) => {
      new SecretsmanagerSecretRotation(this, `rotation-${i}`, {
        secretId,
        rotationLambdaArn: rotation.arn,
        rotationRules: { automaticallyAfterDays: ROTATION_DAYS },
        rotateImmediately: false, // the first value is put by an operator after the stack exists
      });
    });
  }
}
