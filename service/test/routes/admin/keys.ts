/** The admin key set the /admin/v1 tests build the app with (ADMIN_API_KEYS), and its headers. */
import { createHash } from "node:crypto";

export const ADMIN_KEY = "admin-key-0123456789abcdef0123456789abcdef";
export const ADMIN_API_KEYS = JSON.stringify([
  { name: "ops-oncall", sha256: createHash("sha256").update(ADMIN_KEY).digest("hex") },
]);
export const adminHeaders = { "x-admin-key": ADMIN_KEY };
