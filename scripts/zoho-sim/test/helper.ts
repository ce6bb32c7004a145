/**
 * Test helpers: a simulator per test (torn down with it), a token minted the way the worker
 * mints one, and a small Books client that adds the organization id and the auth header.
 */
import type { Test } from "tap";
import type { ZohoSimulator, ZohoSimulatorOptions } from "../app.ts";
import { createZohoSimulator, DEFAULT_CLIENT, DEFAULT_ORGANIZATION_ID, DEFAULT_REFRESH_TOKEN } from "../app.ts";
import type { SimStats } from "../state.ts";

export const ORG = DEFAULT_ORGANIZATION_ID;
export const ACME = "460000000000101";
export const GLOBEX = "460000000000102";

export async function startSim(t: Test, options: ZohoSimulatorOptions = {}): Promise<ZohoSimulator> {
  const sim = await createZohoSimulator(options);
  t.teardown(() => sim.close());
  return sim;
}

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** POST /oauth/v2/token with the parameters in the query string (Zoho's examples) or a form body. */
export async function tokenRequest(
  sim: ZohoSimulator,
  params: Record<string, string>,
  as: "query" | "form" = "query",
): Promise<TokenAnswer> {
  const qs = new URLSearchParams(params);
  const res =
    as === "query"
      ? await fetch(`${sim.url}/oauth/v2/token?${qs}`, { method: "POST" })
      : await fetch(`${sim.url}/oauth/v2/token`, { method: "POST", body: qs });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export function refreshParams(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    grant_type: "refresh_token",
    client_id: DEFAULT_CLIENT.clientId,
    client_secret: DEFAULT_CLIENT.clientSecret,
    refresh_token: DEFAULT_REFRESH_TOKEN,
    ...overrides,
  };
}

export async function mintToken(sim: ZohoSimulator): Promise<string> {
  const { body } = await tokenRequest(sim, refreshParams());
  if (typeof body.access_token !== "string") throw new Error(`no token: ${JSON.stringify(body)}`);
  return body.access_token;
}

export interface BooksAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export interface BooksCall {
  method?: string;
  token?: string | null;
  org?: string | null;
  query?: Record<string, string>;
  json?: unknown;
  body?: FormData | URLSearchParams;
}

/** A Books v3 call; org and token default to the simulator's org and the given token. */
export async function books(sim: ZohoSimulator, path: string, call: BooksCall = {}): Promise<BooksAnswer> {
  const qs = new URLSearchParams(call.query);
  const org = call.org === undefined ? ORG : call.org;
  if (org !== null) qs.set("organization_id", org);
  const headers: Record<string, string> = {};
  if (call.token) headers.authorization = `Zoho-oauthtoken ${call.token}`;
  let body: string | FormData | URLSearchParams | undefined = call.body;
  if (call.json !== undefined) {
    headers["content-type"] = "application/json";
    body = typeof call.json === "string" ? call.json : JSON.stringify(call.json);
  }
  const res = await fetch(`${sim.url}/books/v3${path}?${qs}`, {
    method: call.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export async function setFaults(sim: ZohoSimulator, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${sim.url}/__sim/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`faults rejected: ${JSON.stringify(json)}`);
  return json;
}

export async function stats(sim: ZohoSimulator): Promise<SimStats> {
  return (await (await fetch(`${sim.url}/__sim/stats`)).json()) as SimStats;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A tiny but real PDF header; the simulator only checks the file name's extension. */
export function pdfBytes(size = 64, fill = 0x41): Uint8Array {
  const bytes = new Uint8Array(size).fill(fill);
  bytes.set(new TextEncoder().encode("%PDF-1.4\n"));
  return bytes;
}

export function billForm(bill: unknown, file?: { name: string; bytes: Uint8Array; type?: string }): FormData {
  const form = new FormData();
  form.set("JSONString", JSON.stringify(bill));
  if (file) form.set("attachment", new Blob([file.bytes], { type: file.type ?? "application/pdf" }), file.name);
  return form;
}

export function attachmentForm(
  file: { name: string; bytes: Uint8Array; type?: string },
  field = "attachment",
): FormData {
  const form = new FormData();
  form.set(field, new Blob([file.bytes], { type: file.type ?? "application/pdf" }), file.name);
  return form;
}
