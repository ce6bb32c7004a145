/**
 * The N modules the client uses, passed in as parameters (never imported at run time) so that the
 * core logic runs unchanged in NetSuite and in Node tests with fakes. Only the members used are
 * picked, which also documents the whole NetSuite surface this client touches.
 */
import type * as NCrypto from "N/crypto";
import type * as NEncode from "N/encode";
import type * as NFile from "N/file";
import type * as NHttps from "N/https";
import type * as NLog from "N/log";
import type * as NRecord from "N/record";
import type * as NRuntime from "N/runtime";
import type * as NSearch from "N/search";

export interface NModules {
  readonly crypto: Pick<typeof NCrypto, "createSecretKey" | "createHmac" | "HashAlg">;
  readonly encode: Pick<typeof NEncode, "Encoding">;
  readonly file: Pick<typeof NFile, "load" | "Type">;
  readonly https: Pick<typeof NHttps, "post" | "get" | "createSecureString">;
  readonly log: Pick<typeof NLog, "audit" | "debug" | "error">;
  readonly record: Pick<typeof NRecord, "submitFields" | "load" | "Type">;
  readonly runtime: Pick<typeof NRuntime, "getCurrentScript">;
  readonly search: Pick<typeof NSearch, "create" | "createColumn" | "load" | "lookupFields" | "Sort">;
}

/** Things NetSuite does not have that the core needs: a clock and a way to wait. */
export interface Host {
  /** Epoch milliseconds. */
  now(): number;
  /** Blocks for ms milliseconds (server SuiteScript has no setTimeout; see governance.ts). */
  sleep(ms: number): void;
}

export type HttpsResponse = NHttps.ClientResponse;
export type SecureString = NHttps.SecureString;
