/**
 * The Lambdas and the release under IAM enforcement (suite.ts, world.ts): the burst consumer with
 * its synthesized role (cold-start secrets, delivery, retry, defer, dead-letter; the event source
 * mapping's receive and delete too), the rotation Lambda's four steps, and the release command.
 * Bills come in through the ingest service (ingest role). Then every command sent is held against
 * its list, and every listed action of these three must have been used.
 */
import { GetObjectTaggingCommand } from "@aws-sdk/client-s3";
import t from "tap";
import { findTransaction } from "../../../lib/transactions.ts";
import { readCapture } from "./audit.ts";
import { NAMES } from "./policies.ts";
import { run } from "./processes.ts";
import { faults, lambdaEnv, postBill } from "./scenario.ts";
import { auditRoles, failOneBill, startService, startSuite } from "./suite.ts";

const s = await startSuite(t);
const { w } = s;
const { url: base } = await startService(t, s);

await t.test("burst Lambda, its role: cold-start secrets, delivery, retry, defer, dead-letter", async (t) => {
  const lambda = async (seconds: number) => {
    const r = await run(t, {
      ...s.as("burst"),
      script: "infra/test/iam/runners/lambda.ts",
      args: [String(seconds)],
      env: lambdaEnv(w),
    });
    t.equal(r.code, 0, r.code === 0 ? "the Lambda ran" : r.output);
    return r.output;
  };
  const status = async (id: unknown) => (await findTransaction(w.e.db, String(id)))?.status;

  const delivered = await postBill(base);
  await lambda(3);
  t.equal(await status(delivered.transactionId), "success", "delivered");
  const row = await findTransaction(w.e.db, String(delivered.transactionId));
  const tags = await w.e.s3.send(new GetObjectTaggingCommand({ Bucket: row!.s3_bucket, Key: row!.s3_key }));
  t.same(
    tags.TagSet,
    [{ Key: "stored-once", Value: "delivered" }],
    "its incoming PDF tagged stored-once (MarkStoredOnce)",
  );

  await faults(w, { error5xx: { status: 500, count: 1 } });
  const retried = await postBill(base);
  await lambda(6);
  t.equal(await status(retried.transactionId), "success", "retried after a 500 (a fresh delayed copy), then delivered");

  await faults(w, { rate429: { count: 1, code: 1070 } });
  const throttled = await postBill(base);
  const out = await lambda(6);
  t.match(out, /throttled; delaying the message/, "deferred");
  t.equal(await status(throttled.transactionId), "success", "then delivered");

  await failOneBill(t, s, base, async () => {
    await lambda(8);
  });
  t.pass("budget spent: failed and dead-lettered by the Lambda");
  await faults(w, {});
});

await t.test("rotation Lambda, its role: the four steps on the Zoho OAuth secret", async (t) => {
  const secret = String(w.secretArns.get(NAMES.zohoOAuthSecret));
  const r = await run(t, {
    ...s.as("rotation"),
    script: "infra/test/iam/runners/rotation.ts",
    args: [secret, w.rotationTopicArn],
    env: {},
  });
  t.equal(r.code, 0, r.output);
});

await t.test(
  "release, release role: upload, both Lambdas, the version; moto authorizes the refresh, then cannot run it",
  async (t) => {
    const r = await run(t, {
      ...s.as("release"),
      script: "infra/test/iam/runners/release.ts",
      args: ["iamtest", "123456789012", "9.9.9"],
      env: {},
    });
    const mine = readCapture(s.captureFile).filter((c) => c.role === "release");
    t.same(
      mine.map((c) => [c.command, c.error?.httpStatusCode ?? "ok"]),
      [
        ["HeadObjectCommand", 404],
        ["PutObjectCommand", "ok"],
        ["UpdateFunctionCodeCommand", "ok"],
        ["UpdateFunctionCodeCommand", "ok"],
        ["PutParameterCommand", "ok"],
        ["StartInstanceRefreshCommand", 500],
      ],
      "each step allowed; StartInstanceRefresh answered 500 (not implemented in moto) after moto authorized it",
    );
    t.not(r.code, 0, "so the release reports the refresh's failure");
  },
);

await t.test("stop the service (last metrics flush)", async (t) => {
  for (const r of s.running) await r.stop();
  const puts = readCapture(s.captureFile).filter((c) => c.role === "burst" && c.command === "PutMetricDataCommand");
  t.ok(puts.length > 0, "burst: metrics sent");
  t.ok(
    puts.every((c) => !c.error && c.input.Namespace === NAMES.metricsNamespace),
    `burst: every PutMetricData accepted, in ${NAMES.metricsNamespace}`,
  );
});

auditRoles(t, s, ["burst", "rotation", "release"]);
