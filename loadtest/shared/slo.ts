/**
 * Service-level objectives the load tests and the local benchmark check against. Plain constants,
 * no Node built-ins and no k6 imports, so k6 scripts and Node code read the same numbers.
 */

/**
 * Worker-side processing time of one bill (the seed's SLO): from the start of the delivery
 * attempt that succeeded to the moment the row is `success`, Zoho calls included.
 */
export const PROCESSING_SLO_MS = { p50: 1_000, p95: 3_000, p99: 5_000 } as const;

/**
 * Ingest latency of `POST /api/v1/bills` (the 202). Much tighter than processing: ingest only
 * stores the PDF, commits a row and sends a message; NetSuite waits on it inside its governance budget.
 */
export const INGEST_SLO_MS = { p95: 300, p99: 800 } as const;

/** Share of failed HTTP requests (k6 `http_req_failed`: status >= 400 or a network error). */
export const MAX_HTTP_FAILURE_RATE = 0.01;

/** Share of bills that end `failed` or are not delivered before the probe gives up. */
export const MAX_DELIVERY_FAILURE_RATE = 0.01;

/** Share of k6 checks that must pass. */
export const MIN_CHECK_PASS_RATE = 0.99;

/**
 * End-to-end delivery (accept to `success`) when there is no backlog: queue pick-up, processing
 * at its p99, and the status poll's granularity. Below this a budget is not worth stating.
 */
export const DELIVERY_FLOOR_SECONDS = 30;
