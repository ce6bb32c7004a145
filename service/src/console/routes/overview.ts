/** GET /console/: the Overview, each number a link to the list behind it. */
import type { FastifyInstance } from "fastify";
import { loadOverview } from "../queries/overview.ts";

export default async function overview(app: FastifyInstance) {
  app.get("/", async (_req, reply) => {
    const o = await loadOverview(app.adminDb, app.aws.sqs, app.config.DLQ_URL);
    return reply.page("overview", "Overview", { o });
  });
}
