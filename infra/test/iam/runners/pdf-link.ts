/**
 * The operator console's PDF link with the ingest role's keys: service/src/console/pdf-link.ts
 * presigns a GetObject with the service's S3 client (observed, as lib/aws.ts builds it); the
 * browser's GET of that link is authorized as the service's role. moto answers presigned requests
 * 500 while enforcing IAM (it reads credentials from the Authorization header only), so the GET is
 * not sent here: the presign is captured and held against the list, the grant checked on the JSON.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { observeCommands } from "../../../../lib/aws.ts";
import { pdfLink } from "../../../../service/src/console/pdf-link.ts";

const [bucket, key] = process.argv.slice(2);
if (!bucket || !key) throw new Error("usage: pdf-link.ts <bucket> <key>");
const s3 = observeCommands(new S3Client({ forcePathStyle: true }));
const url = await pdfLink(s3, bucket, key, "bill.pdf");
const signed = new URL(url);
console.log(
  JSON.stringify({ signed: signed.searchParams.has("X-Amz-Signature"), key: decodeURIComponent(signed.pathname) }),
);
s3.destroy();
