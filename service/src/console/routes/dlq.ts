/** GET /console/dlq: the dead-letter queue's messages, peeked and left in place (lib/dlq.ts). */
import type { FastifyInstance } from "fastify";
import { peekDlq } from "../../../../lib/dlq.ts";

export default async function dlqPage(app: FastifyInstance) {
  app.get("/dlq", async (_req, reply) => {
    const entries = await peekDlq(app.aws.sqs, app.config.DLQ_URL, 100);
    return reply.page("dlq", "Dead-letter queue", { entries });
  });
}
