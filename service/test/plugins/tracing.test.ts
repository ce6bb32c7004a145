import { createSocket } from "node:dgram";
import { once } from "node:events";
import t from "tap";
import { billBody, build, pdf, post } from "../helper.ts";

t.test("with XRAY_ENABLED each request is a segment with its AWS and ingest subsegments", async (t) => {
  const daemon = createSocket("udp4");
  daemon.bind(0, "127.0.0.1");
  await once(daemon, "listening");
  t.teardown(() => daemon.close());
  const documents: Record<string, unknown>[] = [];
  daemon.on("message", (msg) => {
    const [, body] = String(msg).split("\n");
    if (body) documents.push(JSON.parse(body));
  });
  // The SDK reads the daemon address from its own environment variable (like AWS_ENDPOINT_URL).
  process.env.AWS_XRAY_DAEMON_ADDRESS = `127.0.0.1:${daemon.address().port}`;

  const { app } = await build(t, { XRAY_ENABLED: "true" });
  const res = await post(app, billBody(pdf(1024)), {
    "x-amzn-trace-id": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
  });
  t.equal(res.statusCode, 202);
  const deadline = Date.now() + 5000;
  const segment = () => documents.find((d) => d.name === "bill-service-test");
  while (!segment() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const seg = segment() as {
    trace_id: string;
    http: { response: { status: number } };
    subsegments?: { name: string }[];
  };
  t.ok(seg, "a segment reached the daemon");
  t.equal(seg.trace_id, "1-5759e988-bd862e3fe1be46a994272793", "the incoming trace is continued");
  t.equal(seg.http.response.status, 202);
  const names = JSON.stringify(documents);
  for (const sub of ["s3.put", "db.insert", "sqs.send", "S3", "SQS"])
    t.match(names, `"name":"${sub}"`, `subsegment ${sub}`);
});
