/**
 * pino JSON logs. PDF data, API and admin keys, signatures, OAuth tokens, client secrets and auth
 * headers never reach a log line: pino's redact paths censor the known places cheaply, and a log
 * formatter censors secret-named keys at any depth and secrets inside text such as a raw
 * non-JSON OAuth body (lib/redact.ts).
 */
import { type DestinationStream, type Logger, type LoggerOptions, pino } from "pino";
import { CENSOR, redactDeep } from "./redact.ts";

export type { Logger };

/** Paths censored wherever they appear (pino redact syntax; `*` matches one level). */
const REDACT_PATHS: readonly string[] = [
  "base64Data",
  "*.base64Data",
  "*.*.base64Data",
  "req.headers.authorization",
  'req.headers["x-api-key"]',
  'req.headers["x-admin-key"]',
  'req.headers["webhook-signature"]',
  "req.headers.cookie",
  "headers.authorization",
  'headers["x-api-key"]',
  'headers["x-admin-key"]',
  'headers["webhook-signature"]',
  'res.headers["set-cookie"]',
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
    redact: { paths: [...REDACT_PATHS], censor: CENSOR },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => redactDeep(object) as Record<string, unknown>,
    },
  };
}

export function createLogger(config: LoggerConfig, service: string, destination?: DestinationStream): Logger {
  return destination ? pino(loggerOptions(config, service), destination) : pino(loggerOptions(config, service));
}
