/**
 * Queue retention, the sweeper's horizons and the runbooks say the same thing: how long a bill's
 * message waits in SQS (infra), when the sweeper enqueues a pending bill again (lib/config.ts
 * defaults), and what runbooks/zoho-throttling.md promises on-call during a long Zoho pause.
 */
import { readFileSync } from "node:fs";
import t from "tap";
import { environments } from "../../infra/src/environments.ts";
import { resources, synth } from "../../infra/test/helpers.ts";
import { serviceSchema } from "../../lib/config.ts";

const defaults = {
  resendAfterMs: serviceSchema.shape.SWEEPER_RESEND_AFTER_MS.parse(undefined),
  unclaimedAfterMs: serviceSchema.shape.SWEEPER_UNCLAIMED_AFTER_MS.parse(undefined),
};
const runbook = readFileSync(new URL("../zoho-throttling.md", import.meta.url), "utf8").replace(/\s+/g, " ");

function billsQueue(env: (typeof environments)[number]) {
  // The bills queue is the one with a redrive policy (its DLQ has none).
  const [queue, ...more] = resources(synth(env), "aws_sqs_queue")
    .map(([, props]) => props)
    .filter((props) => props.redrive_policy);
  if (!queue || more.length > 0) throw new Error(`expected one queue with a redrive policy in ${env.name}`);
  const redrive = JSON.parse(String(queue.redrive_policy)) as { maxReceiveCount: number };
  return {
    retentionS: Number(queue.message_retention_seconds),
    visibilityS: Number(queue.visibility_timeout_seconds),
    maxReceiveCount: Number(redrive.maxReceiveCount),
  };
}

for (const env of environments) {
  t.test(`${env.name}: the sweeper acts before SQS drops a message and after SQS gives up on one`, async (t) => {
    const q = billsQueue(env);
    t.ok(
      defaults.resendAfterMs < q.retentionS * 1000,
      `a pending bill gets a new message after ${defaults.resendAfterMs / 3_600_000} h, before the queue drops the old one (${q.retentionS / 86_400} days)`,
    );
    t.ok(
      defaults.unclaimedAfterMs >= q.visibilityS * q.maxReceiveCount * 1000,
      `an unclaimed bill is sent again after ${defaults.unclaimedAfterMs / 60_000} min, not before SQS could still redeliver it (visibility ${q.visibilityS} s x ${q.maxReceiveCount} receives)`,
    );
    t.ok(defaults.unclaimedAfterMs < defaults.resendAfterMs, "the unclaimed window comes before the lost horizon");
  });
}

t.test("runbooks/zoho-throttling.md states the queue's retention and the sweeper's horizon", async (t) => {
  const q = billsQueue(environments[0]!);
  for (const env of environments) t.equal(billsQueue(env).retentionS, q.retentionS, `${env.name} keeps the same`);
  const days = runbook.match(/SQS keeps a bill's message for (\d+) days/);
  t.ok(days, "the runbook says how long SQS keeps a message");
  t.equal(Number(days?.[1]), q.retentionS / 86_400, "the days the runbook states are the queue's retention");
  const hours = runbook.match(/still pending (\d+) hours after its message went out/);
  t.ok(hours, "the runbook says when the sweeper enqueues a waiting bill again");
  t.equal(Number(hours?.[1]), defaults.resendAfterMs / 3_600_000, "the hours it states are SWEEPER_RESEND_AFTER_MS");
});
