/**
 * Reads a multipart body with @fastify/multipart: text fields, and the file part named
 * `attachment` (Zoho's field name) kept in memory up to the size limit. Every part is consumed,
 * so the connection stays usable even when the file is too large or named wrongly.
 */
import type { FastifyRequest } from "fastify";
import { extensionOf } from "../bills-store.ts";
import { ALLOWED_ATTACHMENT_EXTENSIONS } from "../options.ts";
import { type ZohoError, ZohoErrors } from "../zoho-errors.ts";

export interface UploadedFile {
  fileName: string;
  bytes: Buffer;
}

export interface MultipartBody {
  fields: Record<string, string>;
  attachment: UploadedFile | undefined;
  /** The first problem with the attachment (type or size), if any. */
  problem: ZohoError | undefined;
}

export async function readMultipart(request: FastifyRequest, maxBytes: number): Promise<MultipartBody> {
  const body: MultipartBody = { fields: {}, attachment: undefined, problem: undefined };
  const parts = request.parts({ limits: { fileSize: maxBytes, files: 5, fields: 20, fieldSize: 1024 * 1024 } });
  for await (const part of parts) {
    if (part.type === "field") {
      body.fields[part.fieldname] = typeof part.value === "string" ? part.value : String(part.value);
      continue;
    }
    const bytes = await part.toBuffer();
    if (part.fieldname !== "attachment" || body.attachment || body.problem) continue;
    if (part.file.truncated) {
      body.problem = ZohoErrors.fileTooLarge(maxBytes);
    } else if (!ALLOWED_ATTACHMENT_EXTENSIONS.includes(extensionOf(part.filename ?? ""))) {
      body.problem = ZohoErrors.unsupportedFileType(ALLOWED_ATTACHMENT_EXTENSIONS);
    } else {
      body.attachment = { fileName: part.filename, bytes };
    }
  }
  return body;
}
