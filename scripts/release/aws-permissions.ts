/**
 * Every AWS action the release command (scripts/release/release.ts) sends, on which resource, and
 * why. The release role is built from this list (infra/src/stacks/role-statements.ts);
 * infra/test/iam checks each command the release code sends against it.
 */
import type { FleetLayout } from "../../infra/src/environments.ts";
import type { AwsGrant } from "../../lib/aws-actions.ts";
import type { ResourceNames } from "../../lib/naming.ts";

/**
 * The Auto Scaling groups a release refreshes, and so the `fleet-groups` the release role may
 * refresh (infra/src/stacks/application.ts): the ingest and worker tiers, or the single tier.
 */
export function fleetGroups(names: ResourceNames, fleet: FleetLayout): readonly string[] {
  return fleet === "single-tier" ? [names.autoScalingGroup] : [names.autoScalingGroup, names.workerAutoScalingGroup];
}

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
