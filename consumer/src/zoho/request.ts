/**
 * One HTTP request to Zoho Books, without policy: its body (JSON fields and a file streamed as
 * multipart, with what the audit log may record of it) and the raw exchange (status and JSON).
 * Slots, tokens, audit and classification are client.ts's.
 */
import type { Readable } from "node:stream";
import { request } from "undici";
import { multipartBody } from "./multipart.ts";
import type { FileSource } from "./types.ts";

export interface RequestBody {
  readonly headers: Record<string, string>;
  readonly body: string | Readable;
  /** The source stream under a multipart body, destroyed if the body is never sent. */
  readonly source?: Readable;
  readonly audit: unknown;
}

export interface ZohoResponse {
  readonly status: number;
  readonly json: Record<string, unknown>;
}

export function destroyBody(body: RequestBody | undefined): void {
  body?.source?.destroy();
  if (body && typeof body.body !== "string") body.body.destroy();
}

/** A multipart body: the text fields, then the file as `attachment` (opened here, streamed on send). */
export async function fileBody(
  fields: Record<string, string>,
  file: FileSource,
  auditExtra: object,
): Promise<RequestBody> {
  const { stream, size } = await file.open();
  const mp = multipartBody(fields, {
    field: "attachment",
    fileName: file.fileName,
    contentType: file.contentType,
    size,
    stream,
  });
  return {
    headers: { "content-type": mp.contentType, "content-length": String(mp.contentLength) },
    body: mp.body,
    source: stream,
    audit: { ...auditExtra, attachment: { fileName: file.fileName, bytes: size, sha256: file.sha256 } },
  };
}

/** A JSON body (Zoho's documented create-a-bill form: `application/json`), audited as sent. */
export function jsonBody(value: object): RequestBody {
  return { headers: { "content-type": "application/json" }, body: JSON.stringify(value), audit: { bill: value } };
}

/** One exchange with Zoho, raw: the status and the parsed JSON body (unparsable text kept, cut short). */
export async function exchange(
  url: URL,
  method: "GET" | "POST",
  token: string,
  body: RequestBody | undefined,
  timeoutMs: number,
): Promise<ZohoResponse> {
  const res = await request(url, {
    method,
    headers: { authorization: `Zoho-oauthtoken ${token}`, accept: "application/json", ...body?.headers },
    body: body?.body,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const text = await res.body.text();
  try {
    return { status: res.statusCode, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  } catch {
    return { status: res.statusCode, json: { unparsed: text.slice(0, 500) } };
  }
}
