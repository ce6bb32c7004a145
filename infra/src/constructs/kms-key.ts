import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias/index.js";
import { KmsKey as AwsKmsKey } from "@cdktf/provider-aws/lib/kms-key/index.js";
import { Construct } from "constructs";

/** One statement of a key policy, in IAM JSON. */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal: Record<string, string | readonly string[]>;
  readonly Action: string | readonly string[];
  readonly Resource: string;
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

export interface KmsKeyProps {
  /** Alias without the `alias/` prefix. Required; no default. */
  readonly alias: string;
  /** What the key protects (shown in the console). Required; no default. */
  readonly description: string;
  /** Account whose root may administer the key; IAM policies then grant use (the AWS default pattern). Required. */
  readonly accountId: string;
  /** Statements for AWS services that use the key on our behalf (logs, CloudTrail, CloudWatch...). @default [] */
  readonly serviceStatements?: readonly PolicyStatement[];
  /** Days before a scheduled deletion completes. @default 30 */
  readonly deletionWindowDays?: number;
}

/** A customer-managed key with yearly automatic rotation, an explicit key policy and an alias. */
export class KmsKey extends Construct {
  public readonly arn: string;
  public readonly keyId: string;

  constructor(scope: Construct, id: string, props: KmsKeyProps) {
    super(scope, id);
    const { deletionWindowDays = 30, serviceStatements = [] } = props;
    const policy = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AccountAdministersAndDelegatesToIam",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${props.accountId}:root` },
          Action: "kms:*",
          Resource: "*",
        },
        ...serviceStatements,
      ],
    };
    const key = new AwsKmsKey(this, "key", {
      description: props.description,
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: deletionWindowDays,
      policy: JSON.stringify(policy),
    });
    new KmsAlias(this, "alias", { name: `alias/${props.alias}`, targetKeyId: key.keyId });
    this.arn = key.arn;
    this.keyId = key.keyId;
  }
}
