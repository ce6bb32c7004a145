import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { Construct } from "constructs";
import { policyDocument, type Statement } from "./iam.ts";

export interface OperatorRoleProps {
  /** Role name. Required; no default. */
  readonly roleName: string;
  /** What the role is for (shown in the console). Required; no default. */
  readonly description: string;
  /** Account whose principals (people, through their identity provider or IAM) may assume it. Required. */
  readonly accountId: string;
  /** The role's statements (stacks/role-statements.ts). Required; no default. */
  readonly permissions: readonly Statement[];
  /** Longest session, seconds. @default 3600 */
  readonly maxSessionSeconds?: number;
}

/**
 * A role people assume for one job (on-call, release): only principals of this account, only with
 * MFA, for an hour at most. Who may assume it is decided in the account's IAM / identity centre by
 * granting sts:AssumeRole on this role's ARN; CloudTrail names each session.
 */
export class OperatorRole extends Construct {
  public readonly arn: string;
  public readonly name: string;

  constructor(scope: Construct, id: string, props: OperatorRoleProps) {
    super(scope, id);
    const role = new IamRole(this, "role", {
      name: props.roleName,
      description: props.description,
      maxSessionDuration: props.maxSessionSeconds ?? 3600,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${props.accountId}:root` },
            Action: "sts:AssumeRole",
            Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
          },
        ],
      }),
    });
    new IamRolePolicy(this, "policy", {
      name: "bill-middleware",
      role: role.id,
      policy: policyDocument(props.permissions),
    });
    this.arn = role.arn;
    this.name = props.roleName;
  }
}
