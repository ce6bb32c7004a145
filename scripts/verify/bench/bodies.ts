/**
 * Request bodies for the benchmark, built with the same shared modules as the k6 scripts
 * (loadtest/shared): a PDF template per stream, each bill a copy with its id stamped in, base64 by
 * Buffer. Every body is a different bill with different bytes.
 */
import { type BillRequestBody, billId, buildBillRequest } from "../../../loadtest/shared/payload.ts";
import { createPdfTemplate, type PdfTemplate, stampPdf } from "../../../loadtest/shared/pdf.ts";

export const nodeBase64 = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("base64");

/** Something that hands out request bodies (JSON strings), one per request. */
export interface BodySource {
  nextBody(): string;
}

export class Bills implements BodySource {
  readonly #template: PdfTemplate;
  readonly #runId: string;
  readonly #stream: string;
  #n = 0;

  constructor(runId: string, stream: string, sizeBytes: number) {
    this.#runId = runId;
    this.#stream = stream;
    this.#template = createPdfTemplate(sizeBytes, `${runId}-${stream}`);
  }

  /** The next bill as a request body object. */
  next(): BillRequestBody {
    this.#n += 1;
    return buildBillRequest({
      netsuiteBillId: billId(this.#runId, this.#stream, this.#n),
      template: this.#template,
      encode: nodeBase64,
    });
  }

  nextBody(): string {
    return JSON.stringify(this.next());
  }

  /** The next bill's raw parts, for the direct (no HTTP) path. */
  nextRaw(): { netsuiteBillId: string; bytes: Buffer } {
    this.#n += 1;
    const netsuiteBillId = billId(this.#runId, this.#stream, this.#n);
    const stamped = stampPdf(this.#template, netsuiteBillId);
    return { netsuiteBillId, bytes: Buffer.from(stamped.buffer, stamped.byteOffset, stamped.length) };
  }
}

/**
 * The same `size` bills over and over, after they have been accepted once: NetSuite's retries,
 * answered 200 from the row without touching S3 or SQS (decode, hash, one lookup).
 */
export class Retries implements BodySource {
  readonly #bodies: string[];
  #i = 0;

  constructor(bills: Bills, size: number) {
    this.#bodies = Array.from({ length: size }, () => bills.nextBody());
  }

  nextBody(): string {
    const body = this.#bodies[this.#i % this.#bodies.length]!;
    this.#i += 1;
    return body;
  }
}
