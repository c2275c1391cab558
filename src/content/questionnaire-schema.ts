/**
 * Schemas of questionnaires: `content/questionnaires/<id>/questionnaire.yaml` (structure and routing) and
 * `content/questionnaires/<id>/<lang>.yaml` (the words in one language).
 */
import { z } from 'zod';

const id = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'ids are lowercase-with-dashes')
  .max(24, 'at most 24 characters');
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');

export const questionnaireMetaSchema = z.strictObject({
  id,
  /** The topic page that gets a "start the questions" button. */
  topic: z.string().optional(),
  questions: z.array(id).min(1).max(30),
  results: z
    .array(
      z.strictObject({
        id,
        min: z.number().int().min(0),
        max: z.number().int().min(0),
        topics: z.array(z.string()).default([]),
        offer_person: z.boolean().default(false),
      }),
    )
    .min(1),
  sources: z
    .array(z.strictObject({ publisher: z.string().trim().min(1).max(200), title: z.string().trim().min(1).max(300), url: z.url({ protocol: /^https?$/ }) }))
    .min(1, 'cite at least one source'),
});

export const questionnaireTextSchema = z.strictObject({
  title: z.string().trim().min(1).max(60),
  intro: z.string().trim().min(1).max(1500),
  questions: z.record(z.string(), z.string().trim().min(1, 'must not be empty').max(300)),
  results: z.record(z.string(), z.string().trim().min(1, 'must not be empty').max(1500)),
  review: z.strictObject({
    status: z.enum(['draft', 'reviewed']),
    reviewed_by: z.string().min(1).nullable().optional(),
    reviewed_at: date.nullable().optional(),
  }),
});
