/** GET /admin/v1/dlq: the DLQ's messages, shown and left in place. */
import { randomUUID } from "node:crypto";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import t from "tap";
import { build, messageCount } from "../../helper.ts";
import { ADMIN_API_KEYS, adminHeaders as headers } from "./keys.ts";

t.test("the DLQ is listed without being consumed", async (t) => {
  const { app, env } = await build(t, { ADMIN_API_KEYS });
  const empty = await app.inject({ method: "GET", url: "/admin/v1/dlq?max=5", headers });
  t.same(empty.json(), { items: [] });

  const transactionId = randomUUID();
  const body = { version: 1, transactionId, netsuiteBillId: "NS-77", bucket: "b-x", key: "k", sha256: "0".repeat(64) };
  await env.sqs.send(new SendMessageCommand({ QueueUrl: env.dlqUrl, MessageBody: JSON.stringify(body) }));
  await env.sqs.send(new SendMessageCommand({ QueueUrl: env.dlqUrl, MessageBody: "not a bill message" }));

  const first = await app.inject({ method: "GET", url: "/admin/v1/dlq?max=5", headers });
  t.equal(first.statusCode, 200);
  const items = first.json().items as { transactionId: string | null; netsuiteBillId: string | null }[];
  t.equal(items.length, 2);
  t.match(
    items.find((i) => i.transactionId === transactionId),
    { netsuiteBillId: "NS-77", receiveCount: Number, sentAt: String },
  );
  t.match(
    items.find((i) => i.transactionId === null),
    { netsuiteBillId: null },
    "an unreadable body is still listed",
  );
  t.equal(await messageCount(env, env.dlqUrl), 2, "both messages are still on the DLQ");
  const again = await app.inject({ method: "GET", url: "/admin/v1/dlq?max=5", headers });
  t.equal(again.json().items.length, 2, "and visible to the next look");

  t.equal((await app.inject({ method: "GET", url: "/admin/v1/dlq?max=0", headers })).statusCode, 400, "max is 1-1000");
});
