/**
 * Configuration from the environment, validated once at start. An invalid or missing variable stops the
 * program with one clear line naming it. Every variable is documented in `.env.example`.
 */
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (def: number, min = 0, max = 1_000_000) => z.coerce.number().int().min(min).max(max).default(def);

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(3000, 0, 65535),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  CONTENT_DIR: z.string().default('./content'),
  LOCALES_DIR: z.string().default('./locales'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  /** PostgreSQL schema for wegwijs' tables (created when missing), so one database can hold several deployments or test runs. */
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'lower-case letters, digits and _ (at most 63, not starting with a digit)')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CONTENT_WATCH: bool.default(true),
  /** Secret for pseudonymous user keys (HMAC). Generated and stored in DATA_DIR when unset (single instance only). */
  USER_KEY_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  PUBLIC_URL: z.url().optional(),
  TRUST_PROXY: bool.default(false),
  RETENTION_TRANSCRIPT_DAYS: int(30, 1, 3650),
  RETENTION_SESSION_DAYS: int(90, 1, 3650),
  RETENTION_UNANSWERED_DAYS: int(90, 1, 3650),
  /** Processed message ids, finished intake rows and delivery records: only redelivery protection. */
  RETENTION_DEDUPE_DAYS: int(7, 1, 365),
  /** Handover: minutes unclaimed before the user gets an honest update; hours unclaimed before it expires. */
  HANDOVER_UPDATE_MINUTES: int(15, 1, 1440),
  HANDOVER_EXPIRE_HOURS: int(48, 1, 720),
  /** Handover: how often due timers are checked, in seconds. */
  HANDOVER_TIMER_SECONDS: int(15, 1, 3600),
  /** Per-user flood guard: messages a minute before the user is asked to slow down (load tests raise it). */
  FLOOD_MAX_PER_MINUTE: int(30, 1, 1_000_000),
  /** Prometheus metrics at GET /metrics; with METRICS_TOKEN set, scrapers must send `Authorization: Bearer <token>`. */
  METRICS_ENABLED: bool.default(true),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Longest graceful shutdown (SIGTERM): in-flight messages may finish within it, then the process exits anyway. */
  SHUTDOWN_TIMEOUT_SECONDS: int(25, 1, 600),
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[\w-]{20,}$/, 'looks wrong (expected 123456:ABC...)')
    .optional(),
  TELEGRAM_MODE: z.enum(['webhook', 'polling']).default('polling'),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, '16-256 characters of A-Z a-z 0-9 _ -')
    .optional(),
  TELEGRAM_API_ROOT: z.url().default('https://api.telegram.org'),
  WHATSAPP_TOKEN: z.string().min(10).optional(),
  WHATSAPP_PHONE_NUMBER_ID: z.string().regex(/^\d+$/).optional(),
  WHATSAPP_APP_SECRET: z.string().min(8).optional(),
  WHATSAPP_VERIFY_TOKEN: z.string().min(8).optional(),
  WHATSAPP_API_BASE: z.url().default('https://graph.facebook.com'),
  WHATSAPP_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .default('v23.0'),
  /** Approved re-engagement template sent outside the 24-hour window (see docs/whatsapp-setup.md). */
  WHATSAPP_TEMPLATE_NAME: z
    .string()
    .regex(/^[a-z0-9_]{1,512}$/, 'lower-case letters, digits and _')
    .default('wegwijs_reply_waiting'),
  /** Overrides of the locale → template language map, e.g. `so=so,ti=-` (`-`: no template, use the fallback). */
  WHATSAPP_TEMPLATE_LANGUAGES: z
    .string()
    .regex(/^[a-z]{2,3}=([a-z]{2,3}(_[A-Z]{2})?|-)(,[a-z]{2,3}=([a-z]{2,3}(_[A-Z]{2})?|-))*$/, 'expected locale=code pairs, e.g. so=so,ti=-')
    .optional(),
  /** Template language for locales WhatsApp templates lack. */
  WHATSAPP_TEMPLATE_FALLBACK: z
    .string()
    .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/)
    .default('en'),
  /** Whether the approved template has the quick-reply button "read the message" (its payload is set when sending). */
  WHATSAPP_TEMPLATE_BUTTON: bool.default(true),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const r = configSchema.safeParse(cleaned);
  if (!r.success) {
    const issue = r.error.issues[0];
    const name = issue?.path.join('.') ?? 'configuration';
    throw new ConfigError(`Invalid configuration: ${name} ${issue?.message ?? 'is invalid'}`);
  }
  const c = r.data;
  if (c.TELEGRAM_BOT_TOKEN && c.TELEGRAM_MODE === 'webhook' && !c.TELEGRAM_WEBHOOK_SECRET) {
    throw new ConfigError('Invalid configuration: TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_MODE=webhook');
  }
  const wa = [c.WHATSAPP_TOKEN, c.WHATSAPP_PHONE_NUMBER_ID, c.WHATSAPP_APP_SECRET, c.WHATSAPP_VERIFY_TOKEN];
  if (wa.some(Boolean) && !wa.every(Boolean)) {
    throw new ConfigError('Invalid configuration: WHATSAPP_TOKEN, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_APP_SECRET and WHATSAPP_VERIFY_TOKEN go together');
  }
  return c;
}
