/**
 * The Zoho Books simulator as a Fastify app: accounts (/oauth/v2/token) and Books
 * (/books/v3/...) on one port, plus /__sim controls. `buildSimulatorApp` returns the app without
 * listening; `createZohoSimulator` listens (port 0 by default) and is what tests use in-process.
 */
import multipart from "@fastify/multipart";
import Fastify, { type FastifyInstance } from "fastify";
import { resolveOptions, type ZohoSimulatorOptions } from "./options.ts";
import { booksGuard, sendZoho } from "./plugins/books-guard.ts";
import { adminRoutes } from "./routes/admin.ts";
import { attachmentsRoutes } from "./routes/attachments.ts";
import { billsRoutes } from "./routes/bills.ts";
import { contactsRoutes } from "./routes/contacts.ts";
import { oauthRoutes } from "./routes/oauth.ts";
import { settingsRoutes } from "./routes/settings.ts";
import { SimState } from "./state.ts";
import { ZohoErrors } from "./zoho-errors.ts";

export { DEFAULT_ACCOUNTS, DEFAULT_CURRENCIES, DEFAULT_TAXES } from "./ledger.ts";
export type { ZohoSimulatorOptions } from "./options.ts";
export { DEFAULT_CLIENT, DEFAULT_ORGANIZATION_ID, DEFAULT_REFRESH_TOKEN, DEFAULT_VENDORS } from "./options.ts";
export type { SimState } from "./state.ts";

export interface ZohoSimulator {
  /** Base URL, e.g. http://127.0.0.1:58080 (ZOHO_ACCOUNTS_URL; Books is at `${url}/books/v3`). */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly state: SimState;
  close(): Promise<void>;
}

export interface ListenOptions {
  /** @default 0 (any free port) */
  readonly port?: number;
  /** @default "127.0.0.1" */
  readonly host?: string;
}

export async function buildSimulatorApp(
  options: ZohoSimulatorOptions = {},
): Promise<{ app: FastifyInstance; state: SimState }> {
  const resolved = resolveOptions(options);
  const state = new SimState(resolved);
  const app = Fastify({
    logger: resolved.logLevel === false ? false : { level: resolved.logLevel },
    // Slow-answer faults can hold a request for minutes; never time the client out here.
    requestTimeout: 0,
    keepAliveTimeout: 65_000,
    // JSON bills are small; files come as multipart, which has its own limit.
    bodyLimit: 5 * 1024 * 1024,
  });

  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  await app.register(multipart, { throwFileSizeLimit: false });

  app.addHook("onResponse", async (request, reply) => {
    if (request.url.startsWith("/__sim/")) return;
    state.count(`${request.method} ${request.routeOptions.url ?? "(unmatched)"}`, reply.statusCode);
  });

  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, request, reply) => {
    const status = err.statusCode ?? 500;
    if (request.url.startsWith("/books/")) {
      if (status === 400 || status === 415) return sendZoho(reply, ZohoErrors.malformedJson());
      if (status === 413) return sendZoho(reply, ZohoErrors.fileTooLarge(state.limits.maxAttachmentBytes));
      request.log.error({ err }, "zoho-sim handler failed");
      return sendZoho(reply, ZohoErrors.internal());
    }
    if (request.url.startsWith("/oauth/"))
      return reply.code(status < 500 ? 200 : status).send({ error: "invalid_request" });
    return reply.code(status).send({ ok: false, error: [err.message] });
  });

  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith("/books/")) return sendZoho(reply, ZohoErrors.invalidUrl());
    return reply.code(404).send({ error: "not found" });
  });

  await app.register(oauthRoutes, { sim: state });
  await app.register(adminRoutes, { sim: state });
  await app.register(
    async (books) => {
      await books.register(booksGuard, { sim: state });
      await books.register(contactsRoutes, { sim: state });
      await books.register(billsRoutes, { sim: state });
      await books.register(attachmentsRoutes, { sim: state });
      await books.register(settingsRoutes, { sim: state });
    },
    { prefix: "/books/v3" },
  );
  return { app, state };
}

/** Builds the app and listens; the answer's url points tests and clients at it. */
export async function createZohoSimulator(options: ZohoSimulatorOptions & ListenOptions = {}): Promise<ZohoSimulator> {
  const { port = 0, host = "127.0.0.1", ...rest } = options;
  const { app, state } = await buildSimulatorApp(rest);
  await app.listen({ port, host });
  const address = app.server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${actualPort}`;
  state.baseUrl = url;
  return { url, app, state, close: () => app.close() };
}
