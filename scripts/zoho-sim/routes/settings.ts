/**
 * GET /settings/currencies: the organization's currencies, as currency.yml list_currencies answers.
 * @see https://www.zoho.com/books/api/v3/currency/#list-currencies
 */
import type { FastifyPluginAsync } from "fastify";
import { currencyView } from "../ledger.ts";
import type { SimState } from "../state.ts";

export const settingsRoutes: FastifyPluginAsync<{ sim: SimState }> = async (app, { sim }) => {
  app.get("/settings/currencies", async () => ({
    code: 0,
    message: "success",
    currencies: sim.options.currencies.map(currencyView),
  }));
};
