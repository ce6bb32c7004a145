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
