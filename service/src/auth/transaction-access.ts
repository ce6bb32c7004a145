/**
 * Who may see a transaction: the key group that created it (API_KEYS "group", by default the key's
 * own name), stored on the row as api_key_group. Rows written before that column existed carry only
 * api_key_name: the key of that name, or a key whose group is that name, may read them. Everyone
 * else is told the transaction does not exist (404, never 403: an id says nothing about other keys).
 * One rule, in TypeScript for one row and in SQL for queries over many (status routes, batch reads).
 */
import { sql } from "../../../lib/db.ts";

/** The reading side: an authenticated key (auth/api-keys.ts ApiKey fits). */
export interface KeyIdentity {
  readonly name: string;
  readonly group: string;
}

/** The owning side: the row's columns that record who created it. */
export interface TransactionOwner {
  readonly api_key_name: string | null;
  readonly api_key_group?: string | null;
}

export function mayReadTransaction(row: TransactionOwner, key: KeyIdentity | undefined): boolean {
  if (!key) return false;
  if (row.api_key_group) return row.api_key_group === key.group;
  return row.api_key_name !== null && (row.api_key_name === key.name || row.api_key_name === key.group);
}

/** The same rule as a WHERE condition on transactions (alias-free column names). */
export function readableBy(key: KeyIdentity) {
  return sql.fragment`(api_key_group = ${key.group} OR (api_key_group IS NULL AND api_key_name IN (${key.name}, ${key.group})))`;
}
