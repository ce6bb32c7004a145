/**
 * The bill's PDF as a short-lived presigned S3 link: the browser fetches the object straight from
 * S3 (nothing streams through the service) and the link stops working after PDF_LINK_TTL_S.
 */
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
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
