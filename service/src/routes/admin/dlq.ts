/** GET /admin/v1/dlq: the dead-letter queue's messages, read without consuming them (lib/dlq.ts). */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { peekDlq } from "../../../../lib/dlq.ts";
import { AdminErrors, DlqList, DlqQuery } from "../../schemas/admin.ts";
import { isoOrNull } from "../../schemas/common.ts";

/** A peek receives every message it shows (each hidden until the scan ends): keep it short. */
const MAX_PEEK = 500;

const dlq: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/admin/v1/dlq",
    {
      schema: {
        summary: "Messages in the dead-letter queue (left in place)",
        tags: ["admin"],
        hide: true,
        querystring: DlqQuery,
        response: { 200: DlqList, ...AdminErrors },
      },
    },
    async (req) => {
      const max = Math.min(Number(req.query.max ?? 100), MAX_PEEK);
      const entries = await peekDlq(app.aws.sqs, app.config.DLQ_URL, max);
      return { items: entries.map((e) => ({ ...e, sentAt: isoOrNull(e.sentAt) })) };
    },
  );
};
export default dlq;
