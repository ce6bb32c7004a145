/**
 * The bill page's PDF link (service/src/console/pdf-link.ts findPdf): a delivered bill links to its
 * processed copy, which outlives the incoming object (expired a day after delivery); a bill not delivered, or one
 * whose processed copy is missing, links to the incoming object; a PDF stored nowhere gets no link.
 * Each link is fetched: the bytes say which copy it reads.
 */
import { DeleteObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import t from "tap";
import { z } from "zod";
import { sql } from "../../../lib/db.ts";
import { seedBill } from "../../../lib/testing/seed.ts";
import { build } from "../helper.ts";
import { ADMIN_API_KEYS, page, signIn } from "./helper.ts";

const { app, env } = await build(t, { ADMIN_API_KEYS });
const cookie = await signIn(app);
const noRows = sql.type(z.object({}));

const put = (bucket: string, key: string, body: string) =>
  env.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from(body) }));

/** A bill stored in this file's incoming bucket ("incoming bytes"), optionally with a processed copy. */
async function bill(status: "failed" | "success", copies: { incoming: boolean; processed: boolean }) {
  const id = await seedBill(app.db, { status });
  const key = `bills/${id}.pdf`;
  await app.db.query(noRows`UPDATE transactions SET s3_bucket = ${env.incomingBucket} WHERE id = ${id}`);
  await put(env.incomingBucket, key, `incoming bytes ${id}`);
  // Expired by the lifecycle rule: on a versioned bucket that leaves a delete marker (HEAD: 404).
  if (!copies.incoming) await env.s3.send(new DeleteObjectCommand({ Bucket: env.incomingBucket, Key: key }));
  if (copies.processed) await put(env.processedBucket, key, `processed bytes ${id}`);
  return id;
}

/** The PDF cell of the bill's page: which copy it claims, and what its link returns. */
async function pdfOf(id: string) {
  const { res, html } = await page(app, `/console/bills/${id}`, cookie);
  t.equal(res.statusCode, 200);
  const link = /<a href="([^"]+)" rel="noopener" id="pdf-link" data-copy="(\w+)"/.exec(html);
  if (!link?.[1]) return { copy: null, html };
  const url = new URL(link[1].replaceAll("&amp;", "&"));
  t.equal(url.searchParams.get("X-Amz-Expires"), "300", "the link lives 5 minutes");
  const got = await fetch(url);
  return { copy: link[2], bucket: url.pathname.split("/")[1], status: got.status, body: await got.text(), html };
}

t.test("a delivered bill links to its processed copy, even after incoming expired", async (t) => {
  const live = await bill("success", { incoming: true, processed: true });
  t.match(await pdfOf(live), {
    copy: "processed",
    bucket: env.processedBucket,
    status: 200,
    body: `processed bytes ${live}`,
  });
  const expired = await bill("success", { incoming: false, processed: true });
  t.match(await pdfOf(expired), { copy: "processed", status: 200, body: `processed bytes ${expired}` });
  t.match((await pdfOf(expired)).html, /the delivered copy; link valid 5 minutes/);
});

t.test("a bill not delivered, or without a processed copy, links to the incoming object", async (t) => {
  const failed = await bill("failed", { incoming: true, processed: false });
  t.match(await pdfOf(failed), {
    copy: "incoming",
    bucket: env.incomingBucket,
    status: 200,
    body: `incoming bytes ${failed}`,
  });
  t.match((await pdfOf(failed)).html, /as received; link valid 5 minutes/);
  const uncopied = await bill("success", { incoming: true, processed: false });
  t.match(await pdfOf(uncopied), { copy: "incoming", status: 200, body: `incoming bytes ${uncopied}` });
});

t.test("a PDF stored nowhere gets no link, and the page says why", async (t) => {
  const gone = await bill("failed", { incoming: false, processed: false });
  const { copy, html } = await pdfOf(gone);
  t.equal(copy, null, "no link that would answer 404");
  t.match(html, /No longer stored: a received PDF is kept until a day after delivery/);
});
