/**
 * Every AWS action the release command (scripts/release/release.ts) sends, on which resource, and
 * why. The release role is built from this list (infra/src/stacks/role-statements.ts);
 * infra/test/iam checks each command the release code sends against it.
 */
import type { AwsGrant } from "../../lib/aws-actions.ts";

export const RELEASE_GRANTS: readonly AwsGrant[] = [
  {
    sid: "Bundle",
    actions: ["s3:GetObject", "s3:PutObject"],
    resource: "release-bundles",
    why: "HeadObject (is the version there?) and the upload; Lambda reads the bundle as the caller",
  },
  {
    sid: "Functions",
    actions: ["lambda:UpdateFunctionCode"],
    resource: "release-functions",
    why: "points the burst and rotation Lambdas at the bundle",
  },
  {
    sid: "Version",
    actions: ["ssm:PutParameter"],
    resource: "release-parameter",
    why: "records the version the instances install at boot",
  },
  {
    sid: "Refresh",
    actions: ["autoscaling:StartInstanceRefresh"],
    resource: "fleet-groups",
    why: "rolls the fleet onto the new version",
  },
  {
    sid: "BundleKey",
    actions: ["kms:GenerateDataKey", "kms:Decrypt"],
    resource: "storage-key",
    why: "SSE-KMS of the artifacts bucket",
    impliedBy: ["s3:PutObject", "s3:GetObject"],
  },
];
