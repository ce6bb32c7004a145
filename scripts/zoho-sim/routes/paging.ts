/**
 * Zoho's list paging: page from 1, per_page default (and cap) 200, and a page_context that says
 * whether another page exists.
 */
import { type ZohoError, ZohoErrors } from "../zoho-errors.ts";

export interface Page {
  page: number;
  perPage: number;
}

export function parsePage(query: Record<string, unknown>): Page | ZohoError {
  const page = query.page === undefined ? 1 : Number(query.page);
  const perPage = query.per_page === undefined ? 200 : Number(query.per_page);
  if (!Number.isInteger(page) || page < 1) return ZohoErrors.invalidValue("page");
  if (!Number.isInteger(perPage) || perPage < 1) return ZohoErrors.invalidValue("per_page");
  return { page, perPage: Math.min(perPage, 200) };
}

export function paginate<T>(
  rows: T[],
  { page, perPage }: Page,
  extra: Record<string, unknown>,
): { rows: T[]; page_context: Record<string, unknown> } {
  const start = (page - 1) * perPage;
  return {
    rows: rows.slice(start, start + perPage),
    page_context: { page, per_page: perPage, has_more_page: rows.length > start + perPage, ...extra },
  };
}

export function isError(value: unknown): value is ZohoError {
  return typeof value === "object" && value !== null && "status" in value && "body" in value;
}
