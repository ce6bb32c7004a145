/** Fastify declaration merging for what this service's plugins decorate. */

import type { DatabasePool } from "slonik";
import type { AwsClients } from "../../lib/aws.ts";
import type { ServiceConfig } from "../../lib/config.ts";
import type { Metrics } from "../../lib/metrics.ts";
import type { Redis } from "../../lib/redis.ts";
import type { ApiKey, ApiKeyStore } from "./auth/api-keys.ts";
import type { IngestService } from "./ingest/ingest-service.ts";
import type { Sweeper } from "./ingest/sweeper.ts";

export interface Tracing {
  /** Runs fn inside the request's X-Ray segment when tracing is on, so SDK and db calls nest under it. */
  run<T>(req: import("fastify").FastifyRequest, fn: () => Promise<T>): Promise<T>;
}

declare module "fastify" {
  interface FastifyInstance {
    config: ServiceConfig;
    db: DatabasePool;
    redis: Redis;
    aws: AwsClients;
    metrics: Metrics;
    apiKeys: ApiKeyStore;
    ingest: IngestService;
    sweeper: Sweeper;
    tracing: Tracing;
  }
  interface FastifyRequest {
    /** The NetSuite key that authenticated a public API request (undefined outside routes/api/). */
    apiKey: ApiKey | undefined;
    /** The JSON body as received, kept only when the key requires a signature. */
    rawBody: string | undefined;
    /** base64Data already decoded by the JSON parser (routes with config.pdfApart; plugins/json-body.ts). */
    pdfBytes: Buffer | undefined;
    /** Error code of a rejected request, for the BillsRejected metric. */
    errorCode: string | undefined;
    /** X-Ray segment when tracing is on. */
    segment: unknown;
  }
  interface FastifyContextConfig {
    /** Counts toward the ingest metrics (IngestLatency, BillsAccepted, BillsRejected). */
    ingest?: boolean;
    /** The JSON parser decodes base64Data from the received bytes into req.pdfBytes (plugins/json-body.ts). */
    pdfApart?: boolean;
  }
}
