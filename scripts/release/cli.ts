/**
 * CLI: release (or roll back to) a version in one environment.
 *   node scripts/release/cli.ts <staging|production> <version> [--upload-only]
 * Builds and uploads the bundle unless that version is already in the artifact bucket, updates
 * the Lambdas, records the version in SSM and starts a rolling instance refresh of each tier. Rolling back is
 * the same command with the previous version. Uses the standard AWS credential chain.
 */
import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { SSMClient } from "@aws-sdk/client-ssm";
import { environments } from "../../infra/src/environments.ts";
import { resourceNames } from "../../lib/naming.ts";
import { buildBundle, release } from "./release.ts";

const args = process.argv.slice(2);
const uploadOnly = args.includes("--upload-only"); // first deploy: the bundle must exist before the Lambdas
const [envName, version] = args.filter((a) => a !== "--upload-only");
const config = environments.find((e) => e.name === envName);
if (!config || !version) {
  console.error(
    `usage: node scripts/release/cli.ts <${environments.map((e) => e.name).join("|")}> <version> [--upload-only]`,
  );
  process.exit(2);
}
const region = config.region;
const clients = {
  s3: new S3Client({ region }),
  ssm: new SSMClient({ region }),
  lambda: new LambdaClient({ region }),
  autoscaling: new AutoScalingClient({ region }),
};
try {
  const result = await release(clients, resourceNames(config.name, config.accountId), version, {
    bundle: () => buildBundle(version),
    log: (msg) => console.log(msg),
    fleet: config.fleet,
    uploadOnly,
  });
  console.log(`released ${result.version} to ${config.name}`);
} catch (e) {
  console.error(`release failed: ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  for (const c of Object.values(clients)) c.destroy();
}
