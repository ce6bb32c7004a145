/**
 * CDKTF app: one stack per environment (infra/src/environments.ts). `npm run synth` writes plain
 * Terraform JSON to infra/cdktf.out/stacks/<environment>/cdk.tf.json; no credentials needed.
 */
import { App } from "cdktf";
import { environments } from "./environments.ts";
import { BillMiddlewareStack } from "./stacks/bill-middleware-stack.ts";

const app = new App();
for (const env of environments) new BillMiddlewareStack(app, env.name, env);
app.synth();
