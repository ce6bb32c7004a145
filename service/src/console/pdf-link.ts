/**
 * The bill's PDF as a short-lived presigned S3 link: the browser fetches the object straight from
 * S3 (nothing streams through the service) and the link stops working after PDF_LINK_TTL_S.
 *
 * Which copy: the incoming bucket is a transit bucket: once a bill is delivered its incoming object
 * is tagged stored-once and expires a day later, an undelivered one at a 400-day backstop
 * (infra/src/constructs/secure-bucket.ts INCOMING_LIFECYCLE); a delivered bill's PDF is copied to
 * the processed bucket (Object Lock, 7 years) before the row is marked delivered (consumer/src/handler.ts
 * finish). So a delivered bill links to its processed copy,
 * and to the incoming object only when that copy cannot be read; an incoming object that is gone
 * (expired) gives no link rather than a link that answers 404.
 */
import { GetObjectCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";

export const PDF_LINK_TTL_S = 300;

export function pdfLink(s3: S3Client, bucket: string, key: string, fileName: string): Promise<string> {
  const safeName = fileName.replace(/[^A-Za-z0-9._-]/g, "_");
  return getSignedUrl(
    s3,
    new GetObjectCommand({
      Bucket: bucket,
      Key: key,
      ResponseContentType: "application/pdf",
      ResponseContentDisposition: `inline; filename="${safeName}"`,
    }),
    { expiresIn: PDF_LINK_TTL_S },
  );
}

export interface PdfCopy {
  readonly copy: "processed" | "incoming";
  readonly bucket: string;
  readonly key: string;
}

/** "missing" only on S3's own 404; any other failure (a denied or failed HEAD) is "unknown". */
async function presence(s3: S3Client, bucket: string, key: string): Promise<"present" | "missing" | "unknown"> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return "present";
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    return status === 404 || (err as Error).name === "NotFound" ? "missing" : "unknown";
  }
}

/**
 * The copy to link for a bill: processed when the bill was delivered and the copy is there, else
 * incoming unless S3 says it is gone (then null: the page says the PDF is no longer stored).
 */
export async function findPdf(
  s3: S3Client,
  row: { readonly status: string; readonly s3_bucket: string; readonly s3_key: string },
  processedBucket: string,
): Promise<PdfCopy | null> {
  if (row.status === "success" && (await presence(s3, processedBucket, row.s3_key)) === "present")
    return { copy: "processed", bucket: processedBucket, key: row.s3_key };
  if ((await presence(s3, row.s3_bucket, row.s3_key)) === "missing") return null;
  return { copy: "incoming", bucket: row.s3_bucket, key: row.s3_key };
}
