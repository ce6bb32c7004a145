/**
 * pino JSON logs. One redaction list for every process: PDF data, API keys, signatures,
 * OAuth tokens, client secrets and auth headers never reach a log line.
 */
import { type DestinationStream, type Logger, type LoggerOptions, pino } from "pino";

export type { Logger };

/** Paths censored wherever they appear (pino redact syntax; `*` matches one level). */
const REDACT_PATHS: readonly string[] = [
  "base64Data",
  "*.base64Data",
  "*.*.base64Data",
  "req.headers.authorization",
  'req.headers["x-api-key"]',
  'req.headers["webhook-signature"]',
  "req.headers.cookie",
  "headers.authorization",
  'headers["x-api-key"]',
  "*.access_token",
  "*.refresh_token",
  "*.client_secret",
  "access_token",
  "refresh_token",
  "client_secret",
  "apiKey",
  "*.apiKey",
  "token",
  "*.token",
  "authorization",
  "*.authorization",
];

export interface LoggerConfig {
  readonly LOG_LEVEL: string;
  readonly ENVIRONMENT: string;
}

function loggerOptions(config: LoggerConfig, service: string): LoggerOptions {
  return {
    level: config.LOG_LEVEL,
    base: { service, env: config.ENVIRONMENT },
    redact: { paths: [...REDACT_PATHS], censor: "[REDACTED]" },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
}

export function createLogger(config: LoggerConfig, service: string, destination?: DestinationStream): Logger {
  return destination ? pino(loggerOptions(config, service), destination) : pino(loggerOptions(config, service));
}
