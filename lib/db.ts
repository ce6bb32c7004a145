/**
 * PostgreSQL through slonik. Rows typed with sql.type(zodSchema) are validated at run time by
 * the result-parser interceptor below (slonik only types them otherwise).
 */
import { readFile } from "node:fs/promises";
import { createPool, type DatabasePool, type Interceptor, SchemaValidationError, sql } from "slonik";

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
}

const passwordFromFile = (path: string) => async () => (await readFile(path, "utf8")).trim();

export function createDb(config: DbOptions): Promise<DatabasePool> {
  return createPool(config.DATABASE_URL, {
    interceptors: [resultParserInterceptor],
    maximumPoolSize: config.DATABASE_POOL_SIZE ?? 10,
    statementTimeout: config.DATABASE_STATEMENT_TIMEOUT_MS ?? 15_000,
    connectionTimeout: 5_000,
    ...(config.DATABASE_PASSWORD_FILE ? { password: passwordFromFile(config.DATABASE_PASSWORD_FILE) } : {}),
    // slonik's default sends DISCARD ALL after every query (a second round trip); nothing here sets session state.
    resetConnection: async () => undefined,
  });
}
