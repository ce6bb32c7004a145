/** The bills queue: one message per accepted transaction (see BillMessage). */
import { createHash } from "node:crypto";
import {
  GetQueueAttributesCommand,
  type MessageAttributeValue,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SendMessageCommand,
  type SQSClient,
  SQSServiceException,
} from "@aws-sdk/client-sqs";
import { HttpRequest } from "@smithy/core/protocols";
import { sendSigned } from "./aws.ts";
import type { BillMessage, TransactionRow } from "./bill.ts";

type MessageSource = Pick<TransactionRow, "id" | "netsuite_bill_id" | "s3_bucket" | "s3_key" | "content_sha256">;

/** The queue message for a transaction row: the one place a row becomes a message. */
export function billMessageFor(row: MessageSource): BillMessage {
  return {
    version: 1,
    transactionId: row.id,
    netsuiteBillId: row.netsuite_bill_id,
    bucket: row.s3_bucket,
    key: row.s3_key,
    sha256: row.content_sha256,
  };
}

/** The request fields of one bill message: the same for a single send and a batch entry. */
function messageFields(
  message: BillMessage,
  delaySeconds: number,
  attributes: Record<string, MessageAttributeValue> = {},
) {
  return {
    MessageBody: JSON.stringify(message),
    DelaySeconds: delaySeconds,
    MessageAttributes: {
      transactionId: { DataType: "String", StringValue: message.transactionId },
      ...attributes,
    },
  };
}

/** Sends one bill message; `attributes` are added to the transactionId attribute every bill message carries. */
export async function sendBillMessage(
  sqs: SQSClient,
  queueUrl: string,
  message: BillMessage,
  delaySeconds = 0,
  attributes: Record<string, MessageAttributeValue> = {},
): Promise<string> {
  const out = await sqs.send(
    new SendMessageCommand({ QueueUrl: queueUrl, ...messageFields(message, delaySeconds, attributes) }),
  );
  if (!out.MessageId) throw new Error("SQS SendMessage returned no MessageId");
  return out.MessageId;
}

interface BatchAnswer {
  readonly Successful?: { Id?: string; MessageId?: string; MD5OfMessageBody?: string }[];
  readonly Failed?: { Id?: string; Code?: string; Message?: string }[];
}

/** An SQS error answer (JSON protocol, query-compatible) in the SDK's shape: name from __type, Code from the query error. */
function sqsError(status: number, headers: Record<string, string>, body: Uint8Array): SQSServiceException {
  let parsed: { __type?: string; message?: string; Message?: string } = {};
  try {
    parsed = JSON.parse(Buffer.from(body).toString("utf8")) as typeof parsed;
  } catch {
    // Not JSON (a proxy's page): named by the status below.
  }
  const [queryCode, fault] = (headers["x-amzn-query-error"] ?? "").split(";");
  const name = parsed.__type?.split("#").pop() || queryCode || (status >= 500 ? "ServiceUnavailable" : `Http${status}`);
  const err = new SQSServiceException({
    name,
    $fault: fault === "Sender" || status < 500 ? "client" : "server",
    message: parsed.message ?? parsed.Message ?? name,
    $metadata: { httpStatusCode: status, requestId: headers["x-amzn-requestid"] },
  });
  if (queryCode) Object.assign(err, { Code: queryCode });
  return err;
}

/**
 * SendMessageBatch through lib/aws.ts sendSigned (one per few bills on the ingest path; the SDK's
 * per-command stack costs more than the call itself, cuts/aws-calls.ts): the same JSON request the
 * SDK sends, its queue-URL endpoint rule, and its check of each message body's MD5.
 */
export function sendMessageBatch(
  sqs: SQSClient,
  queueUrl: string,
  entries: readonly SendMessageBatchRequestEntry[],
): Promise<BatchAnswer> {
  const payload = JSON.stringify({ QueueUrl: queueUrl, Entries: entries });
  const queueOrigin = new URL(queueUrl).origin;
  return sendSigned(sqs, {
    clientName: "SQSClient",
    command: "SendMessageBatchCommand",
    input: { QueueUrl: queueUrl },
    endpointCommand: SendMessageBatchCommand,
    endpointInput: { QueueUrl: queueUrl },
    endpointKey: queueOrigin,
    // The SDK's queueUrlMiddleware: without an explicit endpoint, a queue URL on another host is used as the endpoint.
    adjustEndpoint: (url, config) =>
      config.endpoint || config.useQueueUrlAsEndpoint === false || url.origin === queueOrigin
        ? url
        : new URL(queueOrigin),
    request: (ep) =>
      new HttpRequest({
        method: "POST",
        protocol: ep.url.protocol,
        hostname: ep.url.hostname,
        port: ep.url.port ? Number(ep.url.port) : undefined,
        path: `${ep.basePath}/`,
        headers: {
          host: ep.url.host,
          "content-type": "application/x-amz-json-1.0",
          "content-length": String(Buffer.byteLength(payload)),
          "x-amz-target": "AmazonSQS.SendMessageBatch",
          "x-amzn-query-mode": "true",
        },
        body: payload,
      }),
    result: (_headers, body) => {
      const out = JSON.parse(Buffer.from(body).toString("utf8")) as BatchAnswer;
      const byId = new Map(entries.map((e) => [e.Id, e.MessageBody ?? ""]));
      const bad = (out.Successful ?? []).filter(
        (s) =>
          s.MD5OfMessageBody !==
          createHash("md5")
            .update(byId.get(s.Id) ?? "")
            .digest("hex"),
      );
      if (bad.length > 0)
        throw new Error(`Invalid MD5 checksum on messages: ${bad.map((b) => b.MessageId).join(", ")}`);
      return out;
    },
    error: sqsError,
    traceFields: { queue_url: queueUrl },
  });
}

/** SQS takes at most 10 entries per SendMessageBatch. */
const MAX_BATCH = 10;

interface Waiting {
  readonly message: BillMessage;
  readonly resolve: (messageId: string) => void;
  readonly reject: (err: Error) => void;
}

/**
 * Coalesces bill messages sent within `lingerMs` of each other (or 10 at once) into one
 * SendMessageBatch: one signed request per batch instead of one per bill. Each send() settles on
 * its own entry's outcome. `afterSend` runs once per batch with the messages SQS took, before their
 * send() calls resolve (the ingest stamps enqueued_at for the batch in one statement); if it fails,
 * those send() calls reject with its error.
 */
export class BillMessageBatcher {
  readonly #sqs: SQSClient;
  readonly #queueUrl: string;
  readonly #lingerMs: number;
  readonly #afterSend: (sent: readonly BillMessage[]) => Promise<void>;
  #waiting: Waiting[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(options: {
    sqs: SQSClient;
    queueUrl: string;
    lingerMs: number;
    afterSend?: (sent: readonly BillMessage[]) => Promise<void>;
  }) {
    if (!(options.lingerMs >= 0 && options.lingerMs <= 10)) throw new RangeError("lingerMs must be 0..10");
    this.#sqs = options.sqs;
    this.#queueUrl = options.queueUrl;
    this.#lingerMs = options.lingerMs;
    this.#afterSend = options.afterSend ?? (async () => undefined);
  }

  /** Resolves with the message id once SQS has the message (and afterSend has run for its batch). */
  send(message: BillMessage): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      this.#waiting.push({ message, resolve, reject });
      if (this.#waiting.length >= MAX_BATCH) this.#flush();
      else this.#timer ??= setTimeout(() => this.#flush(), this.#lingerMs);
    });
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#waiting.splice(0, MAX_BATCH);
    if (this.#waiting.length > 0) this.#timer = setTimeout(() => this.#flush(), this.#lingerMs);
    if (batch.length > 0) void this.#sendBatch(batch);
  }

  async #sendBatch(batch: readonly Waiting[]): Promise<void> {
    const entries: SendMessageBatchRequestEntry[] = batch.map((w, i) => ({
      Id: String(i),
      ...messageFields(w.message, 0),
    }));
    let sent: { waiting: Waiting; messageId: string }[];
    try {
      const out = await sendMessageBatch(this.#sqs, this.#queueUrl, entries);
      const ids = new Map((out.Successful ?? []).map((s) => [s.Id, s.MessageId]));
      const failed = new Map((out.Failed ?? []).map((f) => [f.Id, `${f.Code ?? "unknown"} ${f.Message ?? ""}`.trim()]));
      sent = batch.flatMap((waiting, i) => {
        const messageId = ids.get(String(i));
        if (messageId) return [{ waiting, messageId }];
        waiting.reject(new Error(`SQS did not take the message: ${failed.get(String(i)) ?? "no entry in its answer"}`));
        return [];
      });
    } catch (err) {
      for (const w of batch) w.reject(err as Error);
      return;
    }
    try {
      if (sent.length > 0) await this.#afterSend(sent.map((s) => s.waiting.message));
      for (const s of sent) s.waiting.resolve(s.messageId);
    } catch (err) {
      for (const s of sent) s.waiting.reject(err as Error);
    }
  }
}

export interface QueueDepth {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
  /** Everything the queue holds: visible + in flight + delayed. */
  readonly total: number;
}

/** SQS's approximate counts for a queue (what the backlog alarms and scaling read too). */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<QueueDepth> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
      ],
    }),
  );
  const a = out.Attributes ?? {};
  const visible = Number(a.ApproximateNumberOfMessages ?? 0);
  const inFlight = Number(a.ApproximateNumberOfMessagesNotVisible ?? 0);
  const delayed = Number(a.ApproximateNumberOfMessagesDelayed ?? 0);
  return { visible, inFlight, delayed, total: visible + inFlight + delayed };
}
