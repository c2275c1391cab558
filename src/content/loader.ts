/**
 * Loads and validates a content folder into an immutable snapshot. Never throws on bad content:
 * every problem becomes a `file:line:col: message` error, and no snapshot is produced when there is one.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { z } from 'zod';
import type { Category, ContentSnapshot, CrisisList, LocaleInfo, Topic, TopicText } from '../core/content-types.ts';
import { compilePhrase, createCrisisDetector } from '../search/crisis.ts';
import { shortHash, textHash } from './hash.ts';
import { checkMediaFile } from './media-check.ts';
import { loadQuestionnaires } from './questionnaire-loader.ts';
import { crisisSchema, LIMITS, manifestSchema, menuSchema, offTopicSchema, topicMetaSchema, topicTextSchema } from './schema.ts';
import { loadSocialMap } from './social-map-loader.ts';
import { type ContentError, parseYamlText, readYaml, type YamlSource } from './yaml-source.ts';

export interface LoadResult {
  snapshot: ContentSnapshot | null;
  errors: ContentError[];
  warnings: ContentError[];
}

/** Validates one topic language file's text; used by the loader and by fuzz tests. Never throws. */
export function validateTopicTextSource(text: string, file: string): ContentError[] {
  const errors: ContentError[] = [];
  const { source, errors: syntax } = parseYamlText(text, file);
  if (!source) return syntax;
  check(topicTextSchema, source, errors);
  return errors;
}

function check<S extends z.ZodType>(schema: S, src: YamlSource, errors: ContentError[]): z.infer<S> | null {
  const r = schema.safeParse(src.data);
  if (r.success) return r.data;
  for (const issue of r.error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const p = src.keyPos(path, key);
        errors.push({ file: src.file, line: p.line, col: p.col, message: `unknown key "${key}"` });
      }
    } else {
      const where = path.length ? `${path.join('.')}: ` : '';
      errors.push(src.error(path, `${where}${issue.message}`));
    }
  }
  return null;
}

export function loadContent(dir: string, now = Date.now()): LoadResult {
  const errors: ContentError[] = [];
  const warnings: ContentError[] = [];
  const rel = (f: string) => relative(process.cwd(), f) || f;
  const read = (f: string) => {
    const { source, errors: e } = readYaml(f, rel(f));
    errors.push(...e);
    return source;
  };

  const manifestSrc = read(join(dir, 'manifest.yaml'));
  const manifest = manifestSrc ? check(manifestSchema, manifestSrc, errors) : null;
  const menuSrc = read(join(dir, 'menu.yaml'));
  const menu = menuSrc ? check(menuSchema, menuSrc, errors) : null;
  if (!manifest || !menu || !manifestSrc || !menuSrc) return { snapshot: null, errors, warnings };

  const locales: LocaleInfo[] = manifest.locales.map((l) => ({ code: l.code, name: l.name, dir: l.dir, fallback: l.fallback }));
  const codes = new Set(locales.map((l) => l.code));
  manifest.locales.forEach((l, i) => {
    for (const f of l.fallback) if (!codes.has(f)) errors.push(manifestSrc.error(['locales', i, 'fallback'], `unknown fallback locale "${f}"`));
  });
  if (!codes.has(manifest.source_locale)) errors.push(manifestSrc.error(['source_locale'], `source locale "${manifest.source_locale}" is not in locales`));

  const topics = new Map<string, Topic>();
  const topicSrc = new Map<string, YamlSource>();
  const topicsDir = join(dir, 'topics');
  const folders = existsSync(topicsDir)
    ? readdirSync(topicsDir)
        .filter((f) => statSync(join(topicsDir, f)).isDirectory())
        .sort()
    : [];
  for (const folder of folders) {
    const metaPath = join(topicsDir, folder, 'topic.yaml');
    if (!existsSync(metaPath)) {
      errors.push({ file: rel(join(topicsDir, folder)), line: 1, col: 1, message: 'topic folder without topic.yaml' });
      continue;
    }
    const src = read(metaPath);
    if (!src) continue;
    const meta = check(topicMetaSchema, src, errors);
    if (!meta) continue;
    if (meta.id !== folder) errors.push(src.error(['id'], `id "${meta.id}" must equal the folder name "${folder}"`));
    if (topics.has(meta.id)) {
      errors.push(src.error(['id'], `duplicate topic id "${meta.id}"`));
      continue;
    }
    const actionIds = new Set<string>();
    meta.actions.forEach((a, i) => {
      if (actionIds.has(a.id)) errors.push(src.error(['actions', i, 'id'], `duplicate action id "${a.id}"`));
      actionIds.add(a.id);
    });
    if (meta.review_by && Date.parse(`${meta.review_by}T00:00:00Z`) < now) {
      warnings.push(src.error(['review_by'], `review_by ${meta.review_by} has passed: check the time-bound facts`));
    }
    const texts: Record<string, TopicText> = {};
    for (const code of codes) {
      const path = join(topicsDir, folder, `${code}.yaml`);
      if (!existsSync(path)) {
        errors.push(src.error(['id'], `missing locale "${code}" (${code}.yaml)`));
        continue;
      }
      const tsrc = read(path);
      if (!tsrc) continue;
      const t = check(topicTextSchema, tsrc, errors);
      if (!t) continue;
      for (const key of Object.keys(t.action_labels)) {
        if (!actionIds.has(key)) {
          const p = tsrc.keyPos(['action_labels'], key);
          errors.push({ file: tsrc.file, line: p.line, col: p.col, message: `action label for unknown action "${key}"` });
        }
      }
      if (t.review.status === 'reviewed' && (!t.review.reviewed_by || !t.review.reviewed_at)) {
        errors.push(tsrc.error(['review'], 'a reviewed text needs reviewed_by and reviewed_at'));
      }
      texts[code] = {
        locale: code,
        title: t.title.trim(),
        summary: t.summary.trim(),
        body: t.body.trim(),
        questions: t.questions,
        keywords: t.keywords,
        actionLabels: t.action_labels,
        review: {
          status: t.review.status,
          reviewedBy: t.review.reviewed_by ?? null,
          reviewedAt: t.review.reviewed_at ?? null,
          sourceHash: t.review.source_hash ?? null,
        },
        ...(t.media ? { media: t.media } : {}),
        hash: textHash(t),
      };
      if (t.media) {
        for (const kind of ['audio', 'image'] as const) {
          const m = t.media[kind];
          if (m) for (const problem of checkMediaFile(join(dir, 'media'), m, kind)) errors.push(tsrc.error(['media', kind], problem));
        }
      }
    }
    topics.set(meta.id, {
      id: meta.id,
      category: meta.category,
      related: meta.related,
      sources: meta.sources,
      reviewBy: meta.review_by ?? null,
      actions: meta.actions,
      texts,
    });
    topicSrc.set(meta.id, src);
  }

  for (const [tid, topic] of topics) {
    const src = topicSrc.get(tid);
    if (!src) continue;
    topic.related.forEach((r, i) => {
      if (!topics.has(r)) errors.push(src.error(['related', i], `related topic "${r}" does not exist`));
      if (r === tid) errors.push(src.error(['related', i], 'a topic cannot be related to itself'));
    });
    topic.actions.forEach((a, i) => {
      if (a.type === 'topic' && !topics.has(a.topic)) errors.push(src.error(['actions', i, 'topic'], `topic "${a.topic}" does not exist`));
    });
    if (!menu.categories.some((c) => c.id === topic.category)) errors.push(src.error(['category'], `category "${topic.category}" is not in menu.yaml`));
    if (Buffer.byteLength(`topic:${tid}~000000`) > LIMITS.callbackData) errors.push(src.error(['id'], 'id too long for Telegram callback data'));
  }

  const categories: Category[] = [];
  const seenCat = new Set<string>();
  menu.categories.forEach((c, i) => {
    if (seenCat.has(c.id)) errors.push(menuSrc.error(['categories', i, 'id'], `duplicate category id "${c.id}"`));
    seenCat.add(c.id);
    for (const code of codes) if (!c.title[code]) errors.push(menuSrc.error(['categories', i, 'title'], `missing title for locale "${code}"`));
    c.topics.forEach((t, j) => {
      if (!topics.has(t)) errors.push(menuSrc.error(['categories', i, 'topics', j], `menu topic "${t}" does not exist`));
    });
    categories.push({ id: c.id, title: c.title, topics: c.topics });
  });
  if (menu.categories.length + 2 > 10) errors.push(menuSrc.error(['categories'], 'at most 8 categories fit a WhatsApp list with the two navigation rows'));
  menu.categories.forEach((c, i) => {
    if (c.topics.length + 2 > 10)
      errors.push(menuSrc.error(['categories', i, 'topics'], `at most 8 topics per category (WhatsApp lists hold 10 rows incl. navigation)`));
  });

  const crisis = loadCrisis(dir, codes, read, errors, warnings);
  const offTopic = loadOffTopic(dir, codes, read, errors, warnings);
  const checkSchema = <S extends z.ZodType>(schema: S, src: YamlSource) => check(schema, src, errors);
  const extraOpts = { codes, sourceLocale: manifest.source_locale, read, check: checkSchema, errors, warnings };
  const socialMap = loadSocialMap(dir, { ...extraOpts, now });
  const questionnaires = loadQuestionnaires(dir, { ...extraOpts, topics });

  if (errors.length) return { snapshot: null, errors, warnings };
  const topicHashes = [...topics.values()]
    .map(
      (t) =>
        `${t.id}:${Object.values(t.texts)
          .map((x) => x.hash)
          .join(',')}`,
    )
    .join('|');
  return {
    snapshot: {
      version: manifest.version,
      marker: shortHash(
        `${manifest.version}|${topicHashes}|${JSON.stringify(menu)}|${[...questionnaires.values()].map((q) => q.hash).join(',')}|${shortHash(JSON.stringify(socialMap))}`,
      ),
      sourceLocale: manifest.source_locale,
      reviewMaxAgeDays: manifest.review.max_age_days,
      locales,
      categories,
      topics,
      crisis,
      offTopic,
      socialMap,
      questionnaires,
      loadedAt: now,
    },
    errors,
    warnings,
  };
}

/** Optional per locale; a locale without a list only warns (its matcher then has no negative examples). */
function loadOffTopic(
  dir: string,
  codes: Set<string>,
  read: (f: string) => YamlSource | null,
  errors: ContentError[],
  warnings: ContentError[],
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!existsSync(join(dir, 'off-topic'))) return out;
  for (const code of codes) {
    const path = join(dir, 'off-topic', `${code}.yaml`);
    if (!existsSync(path)) {
      warnings.push({ file: join('content', 'off-topic', `${code}.yaml`), line: 1, col: 1, message: `no off-topic list for locale "${code}"` });
      continue;
    }
    const src = read(path);
    const c = src && check(offTopicSchema, src, errors);
    if (c) out[code] = c.questions;
  }
  return out;
}

function loadCrisis(dir: string, codes: Set<string>, read: (f: string) => YamlSource | null, errors: ContentError[], warnings: ContentError[]): CrisisList[] {
  const lists: CrisisList[] = [];
  const sources: YamlSource[] = [];
  for (const code of codes) {
    const path = join(dir, 'crisis', `${code}.yaml`);
    if (!existsSync(path)) {
      errors.push({ file: join('content', 'crisis', `${code}.yaml`), line: 1, col: 1, message: `missing crisis list for locale "${code}"` });
      continue;
    }
    const src = read(path);
    if (!src) continue;
    const c = check(crisisSchema, src, errors);
    if (!c) continue;
    lists.push({ locale: code, signals: c.signals, examples: { crisis: c.examples.crisis, notCrisis: c.examples.not_crisis } });
    sources.push(src);
    // Spelling variants that normalisation already unifies ("ilaç" / "ilac", "٣٠" / "30") need not be listed twice.
    const seen = new Map<string, string>();
    for (const [signal, phrases] of Object.entries(c.signals)) {
      phrases.forEach((p, j) => {
        const key = JSON.stringify(compilePhrase(p));
        const first = seen.get(key);
        if (first) warnings.push(src.error(['signals', signal, j], `"${p}" is the same as "${first}" after normalisation`));
        else seen.set(key, p);
      });
    }
  }
  // The examples are the lists' own tests: every crisis example must match, no calm example may.
  const detector = createCrisisDetector(lists);
  lists.forEach((list, i) => {
    const src = sources[i];
    if (!src) return;
    list.examples.crisis.forEach((ex, j) => {
      if (!detector.detect(ex)) errors.push(src.error(['examples', 'crisis', j], `crisis example is not detected: "${ex}"`));
    });
    list.examples.notCrisis.forEach((ex, j) => {
      const hit = detector.detect(ex);
      if (hit) errors.push(src.error(['examples', 'not_crisis', j], `calm example triggers a crisis (${hit.locale}: "${hit.phrase}")`));
    });
  });
  return lists;
}
