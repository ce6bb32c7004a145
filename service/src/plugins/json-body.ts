/**
 * JSON bodies parsed with a bare JSON.parse: Fastify's default parser adds a secure-json-parse
 * prototype scan over the whole text (two more passes over a 13 MB body). Prototype poisoning is
 * instead stopped by the route schemas (additionalProperties: false rejects a "__proto__" key, and
 * the lenient legacy route reads fields by name only). The raw text is kept for signature checks
 * when the caller's key requires them; that is a reference to the same string, not a copy.
 */
import fp from "fastify-plugin";
import { ERR_INVALID_JSON } from "../errors.ts";

export default fp(
  async (app) => {
    app.decorateRequest("rawBody", undefined);
    // JSON only: anything else (Fastify also parses text/plain by default) is 415.
    app.removeContentTypeParser(["application/json", "text/plain"]);
    app.addContentTypeParser("application/json", { parseAs: "string" }, (req, body, done) => {
      const text = body as string;
      if (req.apiKey && req.apiKey.hmacKeys.length > 0) req.rawBody = text;
      try {
        done(null, JSON.parse(text));
      } catch {
        done(ERR_INVALID_JSON(), undefined);
      }
    });
  },
  { name: "json-body" },
);
