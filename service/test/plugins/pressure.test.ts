import t from "tap";
import { billBody, build, nothingWritten, pdf, post } from "../helper.ts";

t.test("under pressure the service answers 503 with Retry-After instead of falling over", async (t) => {
  // A heap limit of 1 byte puts the process under pressure at the first sample.
  const { app, env } = await build(t, { PRESSURE_MAX_HEAP_USED_BYTES: "1" });
  await new Promise((r) => setTimeout(r, 1200));
  const res = await post(app, billBody(pdf(1024)));
  t.equal(res.statusCode, 503);
  t.equal(res.headers["retry-after"], "10");
  t.match(res.json(), { statusCode: 503, code: "ERR_UNDER_PRESSURE", message: "Service Unavailable" });
  t.same(await nothingWritten(app, env), { objects: 0, rows: 0, messages: 0 });
});
