/**
 * Server-rendered pages: @fastify/view with Eta templates (templates/, escaped by default: `<%= %>`),
 * compiled once and cached. reply.page() adds what every page needs: the operator, a CSRF token for
 * its forms, the one-time flash message, and formatting helpers.
 */
import { join } from "node:path";
import view from "@fastify/view";
import { Eta } from "eta";
import type { FastifyInstance, FastifyReply } from "fastify";

const dateTime = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

/** Helpers the templates call as `it.fmt.*`. */
export const fmt = {
  /** "1 Dec 2026, 21:40 UTC"; "—" for none. */
  at: (ms: number | string | null | undefined) =>
    ms === null || ms === undefined ? "—" : `${dateTime.format(new Date(ms))} UTC`,
  iso: (ms: number | string | null | undefined) => (ms === null || ms === undefined ? "" : new Date(ms).toISOString()),
  /** Money as NetSuite sent it (major units): "EUR 1,250.50", "JPY 125,000", or "1,250.50" without a currency. */
  amount: (value: unknown, currency: unknown) => {
    if (typeof value !== "number") return "—";
    if (typeof currency !== "string") return value.toLocaleString("en-US", { minimumFractionDigits: 2 });
    try {
      return value.toLocaleString("en-US", { style: "currency", currency, currencyDisplay: "code" });
    } catch {
      return `${currency} ${value.toLocaleString("en-US", { minimumFractionDigits: 2 })}`;
    }
  },
  /** A difference: "+EUR 0.10", "-EUR 0.10", "EUR 0.00". */
  signed: (value: unknown, currency: unknown): string =>
    typeof value === "number" && value > 0 ? `+${fmt.amount(value, currency)}` : fmt.amount(value, currency),
  json: (value: unknown) => JSON.stringify(value ?? null, null, 2),
  count: (n: number) => n.toLocaleString("en-US"),
  /** Age in words: "3 min", "2 h 5 min", "4 d". */
  age: (ms: number | null | undefined, now = Date.now()) => {
    if (ms === null || ms === undefined) return "—";
    const min = Math.max(0, Math.floor((now - ms) / 60_000));
    if (min < 60) return `${min} min`;
    if (min < 2880) return `${Math.floor(min / 60)} h ${min % 60} min`;
    return `${Math.floor(min / 1440)} d`;
  },
};

export async function registerViews(app: FastifyInstance): Promise<void> {
  const templates = join(import.meta.dirname, "templates");
  await app.register(view, {
    engine: { eta: new Eta({ views: templates, cache: true, autoEscape: true }) },
    root: templates,
    production: true,
  });
  app.decorateReply("page", async function (this: FastifyReply, name: string, title: string, data: object = {}) {
    const req = this.request;
    const flash = req.session.flash;
    if (flash) req.session.flash = undefined;
    this.header("cache-control", "no-store");
    const html = await this.viewAsync(name, {
      ...data,
      title,
      path: req.url.split("?")[0],
      operator: req.session.operator,
      csrfToken: req.session.operator ? this.generateCsrf() : "",
      flash,
      fmt,
    });
    return this.type("text/html; charset=utf-8").send(html);
  });
}

declare module "fastify" {
  interface FastifyReply {
    /** Renders templates/<name>.eta inside the layout and sends it; return it from the handler or hook. */
    page(name: string, title: string, data?: object): Promise<FastifyReply>;
  }
}
