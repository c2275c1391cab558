/**
 * Schemas of the content files (see `content/README.md` for the editor's view).
 * Strict objects: an unknown key is an error, so typos never pass silently.
 */
import { z } from 'zod';

/** WhatsApp and Telegram limits that content must respect. @see https://developers.facebook.com/docs/whatsapp/cloud-api/messages/interactive-list-messages */
export const LIMITS = {
  title: 24, // WhatsApp list row title
  summary: 72, // WhatsApp list row description
  actionLabel: 20, // WhatsApp reply button title
  categoryTitle: 24,
  chunk: 4096, // WhatsApp and Telegram text message
  callbackData: 64, // Telegram callback_data bytes
  question: 300,
  keyword: 80,
} as const;

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'not a valid calendar date');
const id = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'ids are lowercase-with-dashes')
  .max(40);
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `longer than ${max} characters`);
const charCount = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .refine((s) => [...s].length <= max, `longer than ${max} characters`);

export const manifestSchema = z.strictObject({
  version: z.string().regex(/^\d{4}\.\d{1,2}\.\d+$/, 'version must look like 2026.11.0'),
  source_locale: z.string(),
  review: z.strictObject({ max_age_days: z.number().int().positive() }),
  locales: z
    .array(
      z.strictObject({
        code: z.string().regex(/^[a-z]{2,3}$/),
        name: z.string().min(1),
        dir: z.enum(['ltr', 'rtl']),
        fallback: z.array(z.string()),
      }),
    )
    .min(1),
});

export const menuSchema = z.strictObject({
  categories: z.array(
    z.strictObject({
      id,
      title: z.record(z.string(), charCount(LIMITS.categoryTitle)),
      topics: z.array(id).min(1),
    }),
  ),
});

const action = z.discriminatedUnion('type', [
  z.strictObject({ id, type: z.literal('call'), phone: z.string().regex(/^[0-9][0-9 -]{1,19}$/, 'phone: digits, spaces and dashes') }),
  z.strictObject({ id, type: z.literal('url'), url: z.url({ protocol: /^https$/ }) }),
  z.strictObject({ id, type: z.literal('topic'), topic: id }),
]);

export const topicMetaSchema = z.strictObject({
  id,
  category: id,
  related: z.array(id).default([]),
  sources: z.array(z.strictObject({ publisher: text(200), title: text(300), url: z.url({ protocol: /^https?$/ }) })).min(1, 'cite at least one source'),
  review_by: date.nullable().optional(),
  actions: z.array(action).default([]),
});

export const topicTextSchema = z.strictObject({
  title: charCount(LIMITS.title),
  summary: charCount(LIMITS.summary),
  body: z.string().trim().min(1, 'must not be empty').max(LIMITS.chunk, `longer than ${LIMITS.chunk} characters (one message)`),
  questions: z.array(text(LIMITS.question)).min(1, 'add at least one question'),
  keywords: z.array(z.union([z.number().transform(String), text(LIMITS.keyword)]).pipe(text(LIMITS.keyword))).default([]),
  action_labels: z.record(z.string(), charCount(LIMITS.actionLabel)).default({}),
  review: z.strictObject({
    status: z.enum(['draft', 'reviewed']),
    reviewed_by: z.string().min(1).nullable().optional(),
    reviewed_at: date.nullable().optional(),
    source_hash: z
      .string()
      .regex(/^[0-9a-f]{12}$/)
      .nullable()
      .optional(),
  }),
  media: z.strictObject({ audio: z.string().min(1).optional(), image: z.string().min(1).optional(), synthetic: z.boolean().optional() }).optional(),
});

const phrases = z.array(text(200)).default([]);
export const crisisSchema = z.strictObject({
  signals: z.strictObject({ suicide: phrases, self_harm: phrases, danger: phrases, violence: phrases }),
  examples: z.strictObject({ crisis: phrases, not_crisis: phrases }).default({ crisis: [], not_crisis: [] }),
});

/** `content/off-topic/<locale>.yaml`: everyday questions wegwijs does not answer (trains, housing, jobs...). */
export const offTopicSchema = z.strictObject({ questions: z.array(text(200)).min(1) });

export type ManifestFile = z.infer<typeof manifestSchema>;
export type MenuFile = z.infer<typeof menuSchema>;
export type TopicMetaFile = z.infer<typeof topicMetaSchema>;
export type TopicTextFile = z.infer<typeof topicTextSchema>;
export type CrisisFile = z.infer<typeof crisisSchema>;
