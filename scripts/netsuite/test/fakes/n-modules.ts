/**
 * Fakes of the N modules the client uses, faithful where the client depends on behaviour:
 * governance units are charged per Oracle's table and exhausting them throws
 * SSS_USAGE_LIMIT_EXCEEDED as NetSuite does; File.getContents() returns base64 and refuses files over
 * 10 MB; SecureString placeholders `{custsecret_x}` are resolved only when a request is sent; HMAC
 * keys are decoded from the secret value with the key's encoding; the search (search.ts) evaluates the filter
 * expressions the client uses (and rejects any other), one row per attached file, sorted.
 * Unknown operators, record types, fields or secrets throw, so a typo in the client fails a test.
 */
import { createHmac as nodeHmac } from "node:crypto";
import type { Host, NModules } from "../../ts/core/types.ts";
import { SuiteScriptError } from "./errors.ts";
import { fakeLoadedRecord } from "./loaded-record.ts";
import { fakeSearch } from "./search.ts";
import { COSTS, CUSTOM_BODY_FIELDS, charge, type FakeState, type LogEntry, type SentRequest } from "./state.ts";

export const Encoding = {
  UTF_8: "UTF_8",
  BASE_16: "BASE_16",
  BASE_32: "BASE_32",
  BASE_64: "BASE_64",
  BASE_64_URL_SAFE: "BASE_64_URL_SAFE",
  HEX: "HEX",
} as const;

export type {
  FakeBill,
  FakeFile,
  FakeResponse,
  FakeSavedSearch,
  FakeState,
  LogEntry,
  Responder,
  SentRequest,
} from "./state.ts";
export { CUSTOM_BODY_FIELDS, SuiteScriptError };

const MAX_CONTENT_BYTES = 10_485_760;

export class FakeSecureString {
  readonly input: string;
  constructor(input: string) {
    this.input = input;
  }
  toString(): string {
    return "[SecureString]";
  }
}

function decodeKey(value: string, encoding: string): Buffer {
  if (encoding === Encoding.BASE_64) return Buffer.from(value, "base64");
  if (encoding === Encoding.HEX) return Buffer.from(value, "hex");
  if (encoding === Encoding.UTF_8) return Buffer.from(value, "utf8");
  throw new SuiteScriptError("INVALID_ENCODING", `unsupported key encoding ${encoding}`);
}

function nodeEncoding(encoding: string): BufferEncoding {
  const map: Record<string, BufferEncoding> = {
    [Encoding.BASE_64]: "base64",
    [Encoding.HEX]: "hex",
    [Encoding.UTF_8]: "utf8",
    [Encoding.BASE_64_URL_SAFE]: "base64url",
  };
  const result = map[encoding];
  if (!result) throw new SuiteScriptError("INVALID_ENCODING", `unsupported encoding ${encoding}`);
  return result;
}

function resolveSecure(state: FakeState, value: unknown): string {
  if (value instanceof FakeSecureString) {
    return value.input.replace(/\{(custsecret[a-z0-9_]+)\}/g, (_m, id: string) => {
      const secret = state.secrets[id];
      if (secret === undefined) throw new SuiteScriptError("INVALID_SECRET", `secret ${id} is not available`);
      return secret;
    });
  }
  if (typeof value !== "string") throw new SuiteScriptError("SSS_INVALID_HEADER", "header values must be strings");
  return value;
}

function send(state: FakeState, method: "POST" | "GET", options: Record<string, unknown>) {
  if (typeof options.url !== "string" || !/^https?:\/\//.test(options.url)) {
    throw new SuiteScriptError("SSS_INVALID_URL", "invalid url");
  }
  if (method === "POST" && typeof options.body !== "string") {
    throw new SuiteScriptError("SSS_MISSING_REQD_ARGUMENT", "body must be a string for this client");
  }
  charge(state, COSTS.https, `https.${method.toLowerCase()}`);
  const rawHeaders = (options.headers ?? {}) as Record<string, unknown>;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawHeaders)) headers[k] = resolveSecure(state, v);
  const request: SentRequest = {
    method,
    url: options.url,
    headers,
    rawHeaders,
    ...(method === "POST" ? { body: options.body as string } : {}),
  };
  state.requests.push(request);
  const response = state.responder(request);
  return { code: response.code, body: response.body ?? "", headers: response.headers ?? {} };
}

export interface FakeNetSuite {
  readonly n: NModules;
  readonly state: FakeState;
  readonly host: Host & { readonly sleeps: number[]; clock: number };
}

export function createFakeNetSuite(init: Partial<FakeState> = {}): FakeNetSuite {
  const state: FakeState = {
    remainingUsage: 1000,
    parameters: {},
    secrets: {},
    files: {},
    bills: [],
    requests: [],
    logs: [],
    submitted: [],
    loaded: [],
    savedSearches: {},
    responder: () => ({ code: 500, body: "no responder" }),
    ...init,
  };

  const log = (level: LogEntry["level"]) => (options: { title?: string; details?: unknown }) => {
    state.logs.push({ level, title: String(options.title ?? ""), details: String(options.details ?? "") });
  };

  const search = fakeSearch(state);

  const record = {
    Type: { VENDOR_BILL: "vendorbill" },
    load: (options: { type: string; id: string; isDynamic?: boolean }) => {
      charge(state, COSTS.recordLoad, "record.load");
      const bill = state.bills.find((b) => b.id === String(options.id));
      if (options.type !== "vendorbill" || !bill) throw new SuiteScriptError("RCRD_DSNT_EXIST", "no such record");
      state.loaded.push(bill.id);
      return fakeLoadedRecord(bill.id, bill.record ?? {});
    },
    submitFields: (options: { type: string; id: string; values: Record<string, unknown>; options?: unknown }) => {
      charge(state, COSTS.submitFields, "record.submitFields");
      const bill = state.bills.find((b) => b.id === String(options.id));
      if (options.type !== "vendorbill" || !bill) throw new SuiteScriptError("RCRD_DSNT_EXIST", "no such record");
      const values: Record<string, string> = {};
      for (const [field, value] of Object.entries(options.values)) {
        if (!CUSTOM_BODY_FIELDS.includes(field)) throw new SuiteScriptError("INVALID_FLD", field);
        if (typeof value !== "string") throw new SuiteScriptError("INVALID_FLD_VALUE", field);
        values[field] = value;
      }
      Object.assign(bill.fields, values);
      state.submitted.push({ id: bill.id, values });
      return Number(bill.id);
    },
  };

  const file = {
    Type: { PDF: "PDF", PNGIMAGE: "PNGIMAGE", PLAINTEXT: "PLAINTEXT" },
    load: (options: { id: string | number }) => {
      charge(state, COSTS.fileLoad, "file.load");
      const id = String(options.id);
      const f = state.files[id];
      if (!f || f.denied)
        throw new SuiteScriptError("INSUFFICIENT_PERMISSION", `file ${id} does not exist or is not accessible`);
      return {
        id: Number(id),
        name: f.name,
        fileType: f.fileType,
        size: f.size,
        getContents: () => {
          if (f.size > MAX_CONTENT_BYTES) {
            throw new SuiteScriptError("SSS_FILE_CONTENT_SIZE_EXCEEDED", "file content exceeds 10 MB");
          }
          return Buffer.from(f.bytes).toString("base64");
        },
      };
    },
  };

  const crypto = {
    HashAlg: { SHA1: "SHA1", SHA256: "SHA256", SHA512: "SHA512", MD5: "MD5" },
    createSecretKey: (options: { secret?: string; guid?: string; encoding?: string }) => {
      if (options.secret && options.guid) throw new SuiteScriptError("INVALID_ARGUMENT", "secret and guid together");
      const id = options.secret ?? "";
      if (state.secrets[id] === undefined)
        throw new SuiteScriptError("INVALID_SECRET", `secret ${id} is not available`);
      return { guid: "", encoding: options.encoding ?? Encoding.HEX, secretId: id };
    },
    createHmac: (options: { algorithm: string; key: { encoding: string; secretId: string } }) => {
      if (options.algorithm !== "SHA256") throw new SuiteScriptError("INVALID_ALGORITHM", options.algorithm);
      const secret = state.secrets[options.key.secretId] ?? "";
      const hmac = nodeHmac("sha256", decodeKey(secret, options.key.encoding));
      return {
        update: (u: { input: string; inputEncoding?: string }) => {
          hmac.update(Buffer.from(u.input, nodeEncoding(u.inputEncoding ?? Encoding.UTF_8)));
        },
        digest: (d?: { outputEncoding?: string }) =>
          hmac.digest(nodeEncoding(d?.outputEncoding ?? Encoding.HEX) as "base64" | "hex"),
      };
    },
  };

  const https = {
    createSecureString: (options: { input: string }) => new FakeSecureString(options.input),
    post: (options: Record<string, unknown>) => send(state, "POST", options),
    get: (options: Record<string, unknown>) => send(state, "GET", options),
  };

  const runtime = {
    getCurrentScript: () => ({
      id: "customscript_fake",
      deploymentId: "customdeploy_fake",
      getRemainingUsage: () => state.remainingUsage,
      getParameter: ({ name }: { name: string }) => state.parameters[name] ?? null,
    }),
  };

  const n = {
    crypto,
    encode: { Encoding },
    file,
    https,
    log: { debug: log("debug"), audit: log("audit"), error: log("error") },
    record,
    runtime,
    search,
  } as unknown as NModules;

  const host = {
    clock: 1_790_000_000_000,
    sleeps: [] as number[],
    now() {
      return host.clock;
    },
    sleep(ms: number) {
      host.sleeps.push(ms);
      host.clock += ms;
    },
  };

  return { n, state, host };
}

/** A small valid-looking PDF (magic bytes first). */
export function pdfBytes(size = 1024): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set(new TextEncoder().encode("%PDF-1.7\n"));
  for (let i = 9; i < size; i++) bytes[i] = 32 + (i % 90);
  return bytes;
}
