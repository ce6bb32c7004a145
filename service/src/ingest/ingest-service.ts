/**
 * Durable acceptance of one bill: validate and decode, store the object (SSE-KMS, SHA-256 checksum),
 * commit the row, then enqueue. A 202 means the object and the row exist; a failed enqueue leaves
 * the row pending with enqueued_at NULL, which the sweeper repairs. Every rejection happens before
 * anything is written, so a bad request leaves no object, row or message.
 *
 * Cost per bill: one base64 decode (no regex), one SHA-256 (handed to S3 as the checksum, so the SDK
 * computes none), no copies of the decoded buffer; the message goes out in a SendMessageBatch with
 * the other bills of the same few milliseconds, and their rows are stamped enqueued in one UPDATE.
 * The decoded PDF's memory goes back to ingestBuffers once nothing can read it (buffer-pool.ts).
 */
import { createHash } from "node:crypto";
import type { S3Client } from "@aws-sdk/client-s3";
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { FastifyBaseLogger } from "fastify";
import type { DatabasePool } from "slonik";
import type { BillTarget, TransactionRow } from "../../../lib/bill.ts";
import type { Metrics } from "../../../lib/metrics.ts";
import { BillMessageBatcher, billMessageFor } from "../../../lib/queue.ts";
import { putPdf } from "../../../lib/storage.ts";
import { inSubsegment } from "../../../lib/tracing.ts";
import { findByNetsuiteBillId, insertOrGetTransaction, markEnqueuedMany } from "../../../lib/transactions.ts";
import { mayReadTransaction } from "../auth/transaction-access.ts";
import { billConflict, ERR_BILL_TOO_LARGE, ERR_INVALID_TEXT, ERR_NOT_PDF } from "../errors.ts";
import { decodeStrictBase64 } from "./base64.ts";
import { ingestBuffers } from "./buffer-pool.ts";
import { objectKey, sanitizeFileName } from "./file-name.ts";
import { findUnstorableText } from "./storable-text.ts";

export interface IngestDeps {
  readonly db: DatabasePool;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly metrics: Metrics;
  readonly bucket: string;
  readonly queueUrl: string;
  readonly kmsKeyId: string | undefined;
  readonly maxPdfBytes: number;
  readonly tracing: boolean;
  /** Sends within this many ms go to SQS as one SendMessageBatch (0..10; default 5). */
  readonly enqueueLingerMs?: number;
}

export interface BillInput {
  /** null (legacy callers only): the content hash becomes the id, "sha256-<hex>". */
  readonly netsuiteBillId: string | null;
  readonly fileName: string;
  readonly mimeType: string;
  readonly base64Data: string;
  /**
   * base64Data, already decoded and strictly valid (the JSON parser's fast path); base64Data is then
   * a placeholder. accept() owns it from the call on: the caller must not read it afterwards.
   */
  readonly pdfBytes?: Buffer | undefined;
  readonly target: BillTarget | null;
  readonly apiKeyName: string | null;
  /** The key's group (auth/transaction-access.ts): who may read the transaction and see its id. */
  readonly apiKeyGroup?: string | null;
}

export interface Accepted {
  readonly row: TransactionRow;
  /** false: an earlier request with the same bill id and bytes (idempotent retry). */
  readonly created: boolean;
}

const PDF_MAGIC = Buffer.from("%PDF-", "latin1");

export class IngestService {
  readonly #d: IngestDeps;
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #enqueuer: BillMessageBatcher;
  constructor(deps: IngestDeps) {
    this.#d = deps;
    // One SendMessageBatch and one UPDATE for every bill accepted within the linger, not one each.
    this.#enqueuer = new BillMessageBatcher({
      sqs: deps.sqs,
      queueUrl: deps.queueUrl,
      lingerMs: deps.enqueueLingerMs ?? 5,
      afterSend: (sent) =>
        markEnqueuedMany(
          deps.db,
          sent.map((m) => m.transactionId),
        ),
    });
  }

  /**
   * Accepts one bill. Tracked until it settles, even if the client hangs up, so that shutdown can
   * wait for it (drain) before the pool and clients close under it.
   */
  accept(input: BillInput, log: FastifyBaseLogger): Promise<Accepted> {
    const p = this.#accept(input, log);
    this.#inFlight.add(p);
    const forget = () => this.#inFlight.delete(p);
    p.then(forget, forget);
    return p;
  }

  /** Resolves when every accept() in progress has settled. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
  }

  async #accept(input: BillInput, log: FastifyBaseLogger): Promise<Accepted> {
    // Reusable unless an S3 put may still read it: one that failed, or one that needed a retry
    // (an earlier attempt's socket may still hold it). Anything else has finished with the bytes.
    const done = { reusable: true };
    try {
      return await this.#acceptBytes(input, log, done);
    } finally {
      if (done.reusable && input.pdfBytes) ingestBuffers.give(input.pdfBytes);
    }
  }

  async #acceptBytes(input: BillInput, log: FastifyBaseLogger, done: { reusable: boolean }): Promise<Accepted> {
    const d = this.#d;
    if (input.mimeType.toLowerCase() !== "application/pdf") {
      throw ERR_NOT_PDF(`mimeType must be application/pdf, got ${input.mimeType.slice(0, 100)}`);
    }
    const unstorable = findUnstorableText(input.target);
    if (unstorable !== null) throw ERR_INVALID_TEXT(unstorable.replace(/^details\b/, "billDetails").slice(0, 200));
    const bytes = input.pdfBytes ?? decodeStrictBase64(input.base64Data, d.maxPdfBytes);
    if (bytes.length > d.maxPdfBytes) throw ERR_BILL_TOO_LARGE(bytes.length, d.maxPdfBytes);
    if (bytes.length < PDF_MAGIC.length || bytes.compare(PDF_MAGIC, 0, PDF_MAGIC.length, 0, PDF_MAGIC.length) !== 0) {
      throw ERR_NOT_PDF("content is not a PDF (it does not start with %PDF-)");
    }
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const netsuiteBillId = input.netsuiteBillId ?? `sha256-${sha256}`;

    // Retries are common (NetSuite map/reduce restarts): answer them without touching S3.
    const existing = await inSubsegment(d.tracing, "db.find", () => findByNetsuiteBillId(d.db, netsuiteBillId));
    if (existing) return this.#settleDuplicate(existing, netsuiteBillId, sha256, input);

    const fileName = sanitizeFileName(input.fileName);
    const key = objectKey(netsuiteBillId, sha256, fileName);
    done.reusable = false;
    const { versionId, attempts } = await inSubsegment(d.tracing, "s3.put", () =>
      putPdf(d.s3, { bucket: d.bucket, key, body: bytes, sha256, kmsKeyId: d.kmsKeyId }),
    );
    const fileSize = bytes.length;
    done.reusable = attempts === 1;
    const { row, created } = await inSubsegment(d.tracing, "db.insert", () =>
      insertOrGetTransaction(d.db, {
        netsuiteBillId,
        fileName,
        mimeType: "application/pdf",
        fileSize,
        sha256,
        bucket: d.bucket,
        key,
        bill: input.target,
        apiKeyName: input.apiKeyName,
        apiKeyGroup: input.apiKeyGroup ?? null,
      }),
    );
    if (!created) {
      // A concurrent request won the unique index. Same bytes and name share our key (one object);
      // otherwise our object is an orphan and goes before we answer.
      if (row.s3_key !== key) await this.#deleteOrphan(key, versionId, log);
      return this.#settleDuplicate(row, netsuiteBillId, sha256, input);
    }
    await this.#enqueue(row, log);
    return { row, created: true };
  }

  #settleDuplicate(row: TransactionRow, netsuiteBillId: string, sha256: string, input: BillInput): Accepted {
    const caller = input.apiKeyName
      ? { name: input.apiKeyName, group: input.apiKeyGroup ?? input.apiKeyName }
      : undefined;
    // Another key group's bill: a conflict that names no transaction of theirs.
    if (!mayReadTransaction(row, caller)) throw billConflict(netsuiteBillId);
    if (row.content_sha256 !== sha256) throw billConflict(netsuiteBillId, row.id);
    return { row, created: false };
  }

  async #enqueue(row: TransactionRow, log: FastifyBaseLogger): Promise<void> {
    const d = this.#d;
    try {
      await inSubsegment(d.tracing, "sqs.send", () => this.#enqueuer.send(billMessageFor(row)));
    } catch (err) {
      // The bill is stored and committed: the sweeper re-enqueues it. Answer 202 regardless.
      d.metrics.record("EnqueueFailures", 1);
      log.warn({ err, transactionId: row.id }, "enqueue failed; the sweeper will re-enqueue");
    }
  }

  /** Deletes exactly the version we wrote (a plain delete would only add a delete marker). */
  async #deleteOrphan(key: string, versionId: string | undefined, log: FastifyBaseLogger): Promise<void> {
    try {
      await this.#d.s3.send(new DeleteObjectCommand({ Bucket: this.#d.bucket, Key: key, VersionId: versionId }));
    } catch (err) {
      log.warn({ err, key }, "could not delete the object of a lost concurrent duplicate");
    }
  }
}
