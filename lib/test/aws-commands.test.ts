/**
 * lib/aws.ts onCommand: every client built by createAwsClients (or observed with observeCommands)
 * tells the listeners each command it sent and how it ended; with no listener nothing is recorded.
 */
import { GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from "@aws-sdk/client-sqs";
import t from "tap";
import { createAwsClients, destroyAwsClients, observeCommands, onCommand, type SentCommand } from "../aws.ts";

const region = process.env.AWS_REGION ?? "us-east-1";

t.test("each command sent reaches the listeners with its input, and its error when it fails", async (t) => {
  const aws = createAwsClients({ AWS_REGION: region });
  t.teardown(() => destroyAwsClients(aws));
  const seen: SentCommand[] = [];
  const listener = (c: SentCommand) => seen.push(c);
  onCommand.push(listener);
  t.teardown(() => {
    onCommand.splice(onCommand.indexOf(listener), 1);
  });
  await aws.sqs.send(new ListQueuesCommand({ QueueNamePrefix: "no-such-prefix-" }));
  const missing = `${process.env.AWS_ENDPOINT_URL}/123456789012/no-such-queue-${Date.now()}`;
  await t.rejects(aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: missing, AttributeNames: ["All"] })));
  t.match(seen, [
    {
      client: "SQSClient",
      command: "ListQueuesCommand",
      input: { QueueNamePrefix: "no-such-prefix-" },
      error: undefined,
    },
    {
      client: "SQSClient",
      command: "GetQueueAttributesCommand",
      input: { QueueUrl: missing },
      error: { name: String },
    },
  ]);
  t.equal(seen.length, 2);
});

t.test("a client built elsewhere reports once observed; none is recorded without a listener", async (t) => {
  const sqs = observeCommands(new SQSClient({ region }));
  t.teardown(() => sqs.destroy());
  t.equal(onCommand.length, 0, "no listener by default");
  await sqs.send(new ListQueuesCommand({}));
  const seen: string[] = [];
  const listener = (c: SentCommand) => seen.push(c.command);
  onCommand.push(listener);
  t.teardown(() => {
    onCommand.splice(onCommand.indexOf(listener), 1);
  });
  await sqs.send(new ListQueuesCommand({}));
  t.same(seen, ["ListQueuesCommand"]);
});

t.test("Sha256 (the clients' signer hash) gives Node's SHA-256 and HMAC, and the same signatures", async (t) => {
  const { createHash, createHmac } = await import("node:crypto");
  const { SignatureV4 } = await import("@smithy/signature-v4");
  const { HttpRequest } = await import("@smithy/core/protocols");
  const { Sha256 } = await import("../aws.ts");
  const hex = async (h: { digest(): Promise<Uint8Array> }) => Buffer.from(await h.digest()).toString("hex");
  const plain = new Sha256();
  plain.update("abc");
  plain.update(new Uint8Array([1, 2, 3]));
  t.equal(
    await hex(plain),
    createHash("sha256")
      .update("abc")
      .update(Buffer.from([1, 2, 3]))
      .digest("hex"),
  );
  for (const key of ["AWS4secret", new Uint8Array(Buffer.from("binary-key-bytes")), new Uint8Array(0)]) {
    const mac = new Sha256(key);
    mac.update("data");
    t.equal(await hex(mac), createHmac("sha256", key).update("data").digest("hex"), `HMAC, key ${typeof key}`);
  }
  const sign = (sha256: never) =>
    new SignatureV4({
      service: "s3",
      region: "eu-west-1",
      credentials: { accessKeyId: "AKID", secretAccessKey: "secret", sessionToken: "token" },
      sha256,
      uriEscapePath: false,
    }).sign(
      new HttpRequest({
        method: "PUT",
        hostname: "b.s3.amazonaws.com",
        path: "/k",
        headers: { host: "b.s3.amazonaws.com" },
      }),
      { signingDate: new Date("2026-12-01T10:00:00Z") },
    );
  const { Sha256Node } = await import("@smithy/core/checksum");
  const ours = (await sign(Sha256 as never)).headers.authorization;
  t.match(ours, /^AWS4-HMAC-SHA256 Credential=AKID\/20261201\/eu-west-1\/s3\/aws4_request/);
  t.equal(ours, (await sign(Sha256Node as never)).headers.authorization, "same signature as the SDK's class");
});
