/**
 * Zoho's data centres: one setting (ZOHO_DATA_CENTER) gives both the accounts host and the Books API
 * host. Explicit ZOHO_ACCOUNTS_URL / ZOHO_API_URL (the simulator locally) are used as they are, but
 * next to a data centre they must be that data centre's hosts: a token minted in one data centre is
 * refused by another's API (401), and the wrong accounts host answers invalid_client.
 * With neither a data centre nor ZOHO_API_URL, the API host follows the token's api_domain.
 * @see /work/shared/reference/zoho-books.md section 1 and https://www.zoho.com/books/api/v3/oauth/
 */
import { ConfigError } from "../../../lib/config.ts";

export const DATA_CENTERS = {
  us: { accounts: "https://accounts.zoho.com", api: "https://www.zohoapis.com/books/v3" },
  eu: { accounts: "https://accounts.zoho.eu", api: "https://www.zohoapis.eu/books/v3" },
  in: { accounts: "https://accounts.zoho.in", api: "https://www.zohoapis.in/books/v3" },
  au: { accounts: "https://accounts.zoho.com.au", api: "https://www.zohoapis.com.au/books/v3" },
  jp: { accounts: "https://accounts.zoho.jp", api: "https://www.zohoapis.jp/books/v3" },
  // Zoho's Books OAuth page gives zohocloud.ca (some third-party code uses accounts.zoho.ca).
  ca: { accounts: "https://accounts.zohocloud.ca", api: "https://www.zohoapis.ca/books/v3" },
  // Third-party sources only for the accounts host.
  sa: { accounts: "https://accounts.zoho.sa", api: "https://www.zohoapis.sa/books/v3" },
  cn: { accounts: "https://accounts.zoho.com.cn", api: "https://www.zohoapis.com.cn/books/v3" },
} as const;
export type DataCenter = keyof typeof DATA_CENTERS;

export interface ZohoHosts {
  readonly accountsUrl: string;
  /** null: follow the token's api_domain (`${api_domain}/books/v3`), the US host until a token says otherwise. */
  readonly apiUrl: string | null;
}

export interface HostSettings {
  readonly ZOHO_DATA_CENTER?: DataCenter | undefined;
  readonly ZOHO_ACCOUNTS_URL?: string | undefined;
  readonly ZOHO_API_URL?: string | undefined;
}

const origin = (u: string) => new URL(u).origin;

/** The hosts the worker uses; throws ConfigError (start-up stops) when the settings disagree. */
export function resolveZohoHosts(s: HostSettings): ZohoHosts {
  const dc = s.ZOHO_DATA_CENTER;
  if (!dc) return { accountsUrl: s.ZOHO_ACCOUNTS_URL ?? DATA_CENTERS.us.accounts, apiUrl: s.ZOHO_API_URL ?? null };
  const hosts = DATA_CENTERS[dc];
  const problems: { variable: string; message: string }[] = [];
  if (s.ZOHO_ACCOUNTS_URL && origin(s.ZOHO_ACCOUNTS_URL) !== origin(hosts.accounts)) {
    problems.push({
      variable: "ZOHO_ACCOUNTS_URL",
      message: `${origin(s.ZOHO_ACCOUNTS_URL)} is not the accounts host of ZOHO_DATA_CENTER=${dc} (${hosts.accounts}); unset one of them`,
    });
  }
  if (s.ZOHO_API_URL && origin(s.ZOHO_API_URL) !== origin(hosts.api)) {
    problems.push({
      variable: "ZOHO_API_URL",
      message: `${origin(s.ZOHO_API_URL)} is not the API host of ZOHO_DATA_CENTER=${dc} (${origin(hosts.api)}); unset one of them`,
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { accountsUrl: s.ZOHO_ACCOUNTS_URL ?? hosts.accounts, apiUrl: s.ZOHO_API_URL ?? hosts.api };
}

/** The Books base URL for a token's api_domain ("https://www.zohoapis.eu" -> ".../books/v3"). */
export function booksUrlOf(apiDomain: string): string {
  return `${origin(apiDomain)}/books/v3`;
}
