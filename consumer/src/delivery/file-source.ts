/**
 * The bill's PDF as Zoho uploads read it: streamed from S3, opened fresh for every request (a 401
 * retry needs a second stream), and refused when the stored object's SHA-256 is not the one ingest
 * recorded.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { TransactionRow } from "../../../lib/bill.ts";
import { getPdfStream } from "../../../lib/storage.ts";
import { PermanentDeliveryError } from "../errors.ts";
import type { FileSource } from "../zoho/types.ts";

export function fileSource(row: TransactionRow, s3: S3Client): FileSource {
  return {
    fileName: row.file_name,
    contentType: row.mime_type,
    sha256: row.content_sha256,
    open: async () => {
      const obj = await getPdfStream(s3, row.s3_bucket, row.s3_key);
      if (obj.sha256 && obj.sha256 !== row.content_sha256) {
        obj.stream.destroy();
        throw new PermanentDeliveryError(
          `stored object's SHA-256 does not match the transaction (s3://${row.s3_bucket}/${row.s3_key})`,
        );
      }
      return { stream: obj.stream, size: obj.contentLength };
    },
  };
}
