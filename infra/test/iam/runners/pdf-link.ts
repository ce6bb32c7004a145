/**
 * The operator console's PDF link with the ingest role's keys, as the bill page makes it: findPdf
 * (service/src/console/pdf-link.ts) HEADs the processed copy of a delivered bill, else the incoming
 * object, then pdfLink presigns a GetObject of the copy found, with the service's S3 client (observed,
 * as lib/aws.ts builds it); the browser's GET of that link is authorized as the service's role. moto
 * answers presigned requests 500 while enforcing IAM (it reads credentials from the Authorization
 * header only), so the GET is not sent here: the HEADs are real requests under the role, the presign
 * is captured and held against the list. Without the role's s3:GetObject on processed objects the
 * HEAD is refused and a delivered bill falls back to its incoming object (which expires): the output's
 * `copy` says which one was linked.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { observeCommands } from "../../../../lib/aws.ts";
import { findPdf, pdfLink } from "../../../../service/src/console/pdf-link.ts";

const [bucket, key, status, processedBucket] = process.argv.slice(2);
if (!bucket || !key || !status || !processedBucket) {
  throw new Error("usage: pdf-link.ts <bucket> <key> <transaction status> <processed bucket>");
}
const s3 = observeCommands(new S3Client({ forcePathStyle: true }));
const found = await findPdf(s3, { status, s3_bucket: bucket, s3_key: key }, processedBucket);
if (!found) {
  console.log(JSON.stringify({ copy: null }));
} else {
  const signed = new URL(await pdfLink(s3, found.bucket, found.key, "bill.pdf"));
  console.log(
    JSON.stringify({
      copy: found.copy,
      signed: signed.searchParams.has("X-Amz-Signature"),
      key: decodeURIComponent(signed.pathname),
    }),
  );
}
s3.destroy();
