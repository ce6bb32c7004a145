/**
 * One bill, start to finish except writing the result: load the bill's lines, tax and currency from
 * the record, load the PDF, refuse what the service would refuse (not a PDF, over the size limit)
 * before any POST, then post it. The file's bytes come back from File.getContents() already
 * base64-encoded for binary types, which is what the service takes.
 */
import { loadBillAmounts } from "./bill-lines.ts";
import type { BillCandidate } from "./bill-source.ts";
import { describeError } from "./errors.ts";
import { COST } from "./governance.ts";
import { postBill, type SendOptions } from "./ingest-client.ts";
import type { Outcome } from "./outcome.ts";
import type { NModules } from "./types.ts";

export interface SendBillOptions extends SendOptions {
  readonly n: SendOptions["n"] & Pick<NModules, "file" | "record">;
}

type PdfFile = ReturnType<NModules["file"]["load"]>;

/** An outcome for a bill that was never posted. */
function notPosted(billId: string, status: Outcome["status"], message: string): Outcome {
  return { billId, attempts: 0, status, message };
}

/** The bill's PDF, checked for type and size, or the outcome that stops it before any POST. */
function loadPdf(options: SendBillOptions, candidate: BillCandidate): PdfFile | Outcome {
  const { n, config } = options;
  const { billId, fileId } = candidate;
  let pdf: PdfFile;
  try {
    pdf = n.file.load({ id: fileId });
  } catch (err) {
    return notPosted(billId, "ERROR", `cannot load file ${fileId}: ${describeError(err)}`);
  }
  if (pdf.fileType !== n.file.Type.PDF) {
    return notPosted(billId, "SKIPPED", `file ${fileId} (${pdf.name}) is ${String(pdf.fileType)}, not a PDF`);
  }
  if (pdf.size > config.maxFileBytes) {
    return notPosted(
      billId,
      "SKIPPED",
      `file ${fileId} (${pdf.name}) is ${pdf.size} bytes, over the ${config.maxFileBytes}-byte limit`,
    );
  }
  return pdf;
}

export function sendBill(options: SendBillOptions, candidate: BillCandidate): Outcome {
  const { n, budget } = options;
  const { billId } = candidate;
  if (!budget.canSpend(COST.recordLoad + COST.fileLoad + COST.httpsCall)) {
    const message = `governance: ${budget.remainingUnits()} units left, stopped before loading the bill`;
    return notPosted(billId, "RETRY", message);
  }
  let amounts: ReturnType<typeof loadBillAmounts>;
  try {
    amounts = loadBillAmounts(n, billId);
  } catch (err) {
    return notPosted(billId, "ERROR", `cannot load vendor bill ${billId}: ${describeError(err)}`);
  }
  const pdf = loadPdf(options, candidate);
  if ("billId" in pdf) return pdf;
  let base64Data: string;
  try {
    base64Data = pdf.getContents();
  } catch (err) {
    return notPosted(billId, "SKIPPED", `cannot read file ${candidate.fileId}: ${describeError(err)}`);
  }
  return postBill(options, {
    netsuiteBillId: billId,
    fileName: pdf.name || candidate.fileName,
    mimeType: "application/pdf",
    base64Data,
    // The record's total, currency and lines win over the search's body-line values.
    billDetails: { ...candidate.bill, ...amounts },
  });
}
