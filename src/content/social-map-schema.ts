/**
 * Schemas of the social map (`content/social-map/*.yaml`) and of the public holiday list
 * (`content/social-map/holidays.yaml`). The editor's view is in `content/README.md`.
 */
import { z } from 'zod';
import { SOCIAL_MAP_TYPES } from '../core/content-types.ts';

// Entry ids appear in choice ids (`nb:call:<id>`), which must stay within Telegram's 64-byte callback data.
const entryId = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'ids are lowercase-with-dashes')
  .max(32, 'at most 32 characters');
const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'not a valid calendar date');
const type = z.enum(SOCIAL_MAP_TYPES);

export const socialMapEntrySchema = z.strictObject({
  id: entryId,
  name: z.string().trim().min(1, 'must not be empty').max(60, 'longer than 60 characters'),
  type,
  also_for: z.array(type).default([]),
  /** National services (phone lines) have no gemeente, address or coordinates. */
  national: z.boolean().default(false),
  gemeente: z.string().trim().min(1).max(60).optional(),
  address: z.string().trim().min(1).max(120).optional(),
  coordinates: z
    .strictObject({
      lat: z.number().min(50.7, 'latitude outside the Netherlands').max(53.7, 'latitude outside the Netherlands'),
      lon: z.number().min(3.2, 'longitude outside the Netherlands').max(7.3, 'longitude outside the Netherlands'),
    })
    .optional(),
  phone: z
    .string()
    .regex(/^[0-9][0-9 -]{1,19}$/, 'phone: digits, spaces and dashes')
    .optional(),
  website: z.url({ protocol: /^https$/ }).optional(),
  opening_hours: z.string().trim().min(1).max(255).optional(),
  languages: z.array(z.string().regex(/^[a-z]{2,3}$/, 'a language code such as nl, ar, ti, prs')).default([]),
  cost: z.enum(['free', 'insured', 'paid']),
  description: z.record(z.string(), z.string().trim().min(1, 'must not be empty').max(200, 'longer than 200 characters')),
  example: z.boolean().default(false),
});

export const socialMapFileSchema = z.strictObject({
  /** Review state of the translated descriptions in this file; `draft` shows a note to users. */
  translations: z.enum(['draft', 'reviewed']).default('draft'),
  entries: z.array(socialMapEntrySchema).min(1, 'add at least one entry'),
});

export const holidaysFileSchema = z.strictObject({
  holidays: z.array(z.strictObject({ date, name: z.string().trim().min(1).max(60) })),
});

export type SocialMapEntryFile = z.infer<typeof socialMapEntrySchema>;
