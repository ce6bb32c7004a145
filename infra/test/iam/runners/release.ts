/**
 * The release command with the release role's keys: scripts/release/release.ts with the clients
 * scripts/release/cli.ts builds (observed) and a small bundle instead of the esbuild one.
 */
import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { SSMClient } from "@aws-sdk/client-ssm";
import { zipSync } from "fflate";
import { observeCommands } from "../../../../lib/aws.ts";
import { resourceNames } from "../../../../lib/naming.ts";
import { release } from "../../../../scripts/release/release.ts";

const [env, account, version] = process.argv.slice(2);
if (!env || !account || !version) throw new Error("usage: release.ts <env> <account> <version>");
const clients = {
  s3: observeCommands(new S3Client({ forcePathStyle: true })),
  ssm: observeCommands(new SSMClient({})),
  lambda: observeCommands(new LambdaClient({})),
  autoscaling: observeCommands(new AutoScalingClient({})),
};
const bundle = async () => zipSync({ RELEASE: new TextEncoder().encode(`${version}\n`) });
try {
  const result = await release(clients, resourceNames(env, account), version, { bundle, fleet: "two-tier" });
  console.log(JSON.stringify(result));
} finally {
  for (const c of Object.values(clients)) c.destroy();
}
