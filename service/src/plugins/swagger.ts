/** OpenAPI document at /docs/json and Swagger UI at /docs (public, not rate limited per key). */
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import fp from "fastify-plugin";

export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: "3.1.0",
        info: {
          title: "Bill middleware ingest API",
          version: "1.0.0",
          description: "NetSuite posts vendor-bill PDFs here; they are stored durably and delivered to Zoho Books.",
        },
        servers: app.config.PUBLIC_BASE_URL ? [{ url: app.config.PUBLIC_BASE_URL }] : [],
        components: {
          securitySchemes: { apiKey: { type: "apiKey", in: "header", name: "x-api-key" } },
        },
        security: [{ apiKey: [] }],
      },
    });
    // Outside routes/api/, so no key is needed for the document or the UI.
    await app.register(swaggerUi, { routePrefix: "/docs" });
  },
  { name: "swagger" },
);
