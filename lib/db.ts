/**
 * PostgreSQL through slonik. Rows typed with sql.type(zodSchema) are validated at run time by
 * the result-parser interceptor below (slonik only types them otherwise).
 */
import { readFile } from "node:fs/promises";
import { createPgDriverFactory } from "@slonik/pg-driver";
import {
  createPool,
  type DatabasePool,
  type DriverFactory,
  type Interceptor,
  SchemaValidationError,
  sql,
} from "slonik";

export type { DatabasePool };
export { sql };

/** Validates each row against the query's standard schema (zod) and returns the parsed value. */
const resultParserInterceptor: Interceptor = {
  name: "result-parser",
  transformRow(queryContext, query, row) {
    const parser = queryContext.resultParser;
    if (!parser) return row;
    const result = parser["~standard"].validate(row);
    if (result instanceof Promise) throw new TypeError("async row schemas are not supported");
    if (result.issues) throw new SchemaValidationError(query, row, result.issues);
    return result.value as typeof row;
  },
};

export interface DbOptions {
  readonly DATABASE_URL: string;
  readonly DATABASE_POOL_SIZE?: number;
  readonly DATABASE_STATEMENT_TIMEOUT_MS?: number;
  /** Password read at each new connection, so a rotated secret applies without a restart. */
  readonly DATABASE_PASSWORD_FILE?: string;
  /**
   * The worker's pgcrypto key (lib/config.ts). When set, every session of the pool carries it as
   * TOKEN_KEY_SETTING, sent in the connection's startup packet: no statement, bind parameter or log
   * line ever holds it (consumer/src/zoho/token-store.ts reads it with current_setting).
   */
  readonly TOKEN_ENCRYPTION_KEY?: string;
}

/** The session setting that holds TOKEN_ENCRYPTION_KEY, hex-encoded. */
export const TOKEN_KEY_SETTING = "bill_mw.token_key";

function connectionUri(config: DbOptions): string {
  if (!config.TOKEN_ENCRYPTION_KEY) return config.DATABASE_URL;
  const u = new URL(config.DATABASE_URL);
  const hex = Buffer.from(config.TOKEN_ENCRYPTION_KEY, "utf8").toString("hex");
  const other = u.searchParams.get("options");
  u.searchParams.set("options", `${other ? `${other} ` : ""}-c ${TOKEN_KEY_SETTING}=${hex}`);
  return u.toString();
}

/** Where a new password comes from after the server refused the current one (e.g. the secret). */
export type PasswordReader = () => Promise<string>;

/** SQLSTATE invalid_password: the server refused the password, typically rotated under us. */
const INVALID_PASSWORD = "28P01";

/**
 * The password of each new connection: the URL's until the server refuses it, then whatever
 * reread() returns (once per refusal, shared by concurrent connections). A failed re-read is tried
 * again by the next connection.
 */
class RefreshablePassword {
  #current: Promise<string>;
  #stale = false;
  readonly #reread: PasswordReader;
  constructor(initial: string, reread: PasswordReader) {
    this.#current = Promise.resolve(initial);
    this.#reread = reread;
  }
  readonly get = (): Promise<string> => {
    if (this.#stale) {
      this.#stale = false;
      this.#current = this.#reread().catch((err: unknown) => {
        this.#stale = true;
        throw err;
      });
    }
    return this.#current;
  };
  markRefused(): void {
    this.#stale = true;
  }
}

/** slonik's pg driver, telling `password` when a connection is refused; slonik then retries the connection. */
function refusalAwareDriver(password: RefreshablePassword): DriverFactory {
  const pgDriver = createPgDriverFactory();
  return async (args) => {
    const driver = await pgDriver(args);
    return {
      createClient: async () => {
        try {
          return await driver.createClient();
        } catch (err) {
          if ((err as { code?: unknown }).code === INVALID_PASSWORD) password.markRefused();
          throw err;
        }
      },
    };
  };
}

function passwordOptions(config: DbOptions, reread: PasswordReader | undefined) {
  if (config.DATABASE_PASSWORD_FILE) return { password: passwordFromFile(config.DATABASE_PASSWORD_FILE) };
  if (!reread) return {};
  const password = new RefreshablePassword(decodeURIComponent(new URL(config.DATABASE_URL).password), reread);
  return { password: password.get, driverFactory: refusalAwareDriver(password) };
}

const passwordFromFile = (path: string) => async () => (await readFile(path, "utf8")).trim();

/**
 * The pool. With `reread` (lib/secret-env.ts databasePasswordReader), a refused password (rotation)
 * is re-read and the connection retried (slonik retries a failed connection up to 3 times).
 */
export function createDb(config: DbOptions, reread?: PasswordReader): Promise<DatabasePool> {
  return createPool(connectionUri(config), {
    interceptors: [resultParserInterceptor],
    maximumPoolSize: config.DATABASE_POOL_SIZE ?? 10,
    statementTimeout: config.DATABASE_STATEMENT_TIMEOUT_MS ?? 15_000,
    connectionTimeout: 5_000,
    ...passwordOptions(config, reread),
    // slonik's default sends DISCARD ALL after every query (a second round trip); nothing here sets session state.
    resetConnection: async () => undefined,
  });
}
