/**
 * multipart/form-data built as a stream with a known Content-Length, so a PDF goes from S3 to Zoho
 * without being held in memory. Text fields first (Zoho's JSONString), then the file part.
 */
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";

export interface MultipartFile {
  readonly field: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
  readonly stream: Readable;
}

export interface MultipartBody {
  readonly contentType: string;
  readonly contentLength: number;
  readonly body: Readable;
}

const quote = (s: string) => s.replace(/["\r\n\\]/g, "_");

export function multipartBody(fields: Readonly<Record<string, string>>, file: MultipartFile): MultipartBody {
  const boundary = `----bill-mw-${randomBytes(12).toString("hex")}`;
  const head = Buffer.concat([
    ...Object.entries(fields).map(([name, value]) =>
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`),
    ),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${quote(file.field)}"; filename="${quote(file.fileName)}"\r\n` +
        `Content-Type: ${file.contentType}\r\n\r\n`,
    ),
  ]);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* body(): AsyncIterable<Uint8Array> {
    yield head;
    for await (const chunk of file.stream) yield chunk as Uint8Array;
    yield tail;
  }
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    contentLength: head.byteLength + file.size + tail.byteLength,
    body: Readable.from(body(), { objectMode: false }),
  };
}
