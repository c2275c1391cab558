/**
 * Loads `content/questionnaires/<id>/`: `questionnaire.yaml` (questions, result routing by number of "yes"
 * answers, sources) and one `<lang>.yaml` per locale with the words. Problems become file:line:col errors.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Questionnaire, QuestionnaireText, Topic } from '../core/content-types.ts';
import { shortHash } from './hash.ts';
import { questionnaireMetaSchema, questionnaireTextSchema } from './questionnaire-schema.ts';
import type { Check } from './social-map-loader.ts';
import type { ContentError, YamlSource } from './yaml-source.ts';

export function loadQuestionnaires(
  dir: string,
  opts: {
    codes: Set<string>;
    sourceLocale: string;
    topics: Map<string, Topic>;
    read: (f: string) => YamlSource | null;
    check: Check;
    errors: ContentError[];
    warnings: ContentError[];
  },
): Map<string, Questionnaire> {
  const { errors, warnings } = opts;
  const out = new Map<string, Questionnaire>();
  const base = join(dir, 'questionnaires');
  if (!existsSync(base)) return out;
  const folders = readdirSync(base)
    .filter((f) => statSync(join(base, f)).isDirectory())
    .sort();
  for (const folder of folders) {
    const metaPath = join(base, folder, 'questionnaire.yaml');
    if (!existsSync(metaPath)) {
      errors.push({ file: join('content', 'questionnaires', folder), line: 1, col: 1, message: 'questionnaire folder without questionnaire.yaml' });
      continue;
    }
    const src = opts.read(metaPath);
    const meta = src ? opts.check(questionnaireMetaSchema, src) : null;
    if (!src || !meta) continue;
    if (meta.id !== folder) errors.push(src.error(['id'], `id "${meta.id}" must equal the folder name "${folder}"`));
    if (meta.topic && !opts.topics.has(meta.topic)) errors.push(src.error(['topic'], `topic "${meta.topic}" does not exist`));
    const qids = new Set<string>();
    meta.questions.forEach((q, i) => {
      if (qids.has(q)) errors.push(src.error(['questions', i], `duplicate question id "${q}"`));
      qids.add(q);
    });
    // The ranges must cover 0..number of questions exactly once, so every possible count routes somewhere.
    const n = meta.questions.length;
    const covered = new Array<number>(n + 1).fill(0);
    meta.results.forEach((r, i) => {
      if (r.min > r.max) errors.push(src.error(['results', i, 'min'], `min ${r.min} is above max ${r.max}`));
      if (r.max > n) errors.push(src.error(['results', i, 'max'], `max ${r.max} is above the number of questions (${n})`));
      for (let k = r.min; k <= Math.min(r.max, n); k++) covered[k] = (covered[k] ?? 0) + 1;
      r.topics.forEach((t, j) => {
        if (!opts.topics.has(t)) errors.push(src.error(['results', i, 'topics', j], `topic "${t}" does not exist`));
      });
    });
    covered.forEach((c, k) => {
      if (c === 0) errors.push(src.error(['results'], `no result for ${k} "yes" answer(s): the ranges must cover 0 to ${n}`));
      if (c > 1) errors.push(src.error(['results'], `${k} "yes" answer(s) fall in more than one result range`));
    });
    const rids = new Set(meta.results.map((r) => r.id));
    const texts: Record<string, QuestionnaireText> = {};
    for (const code of opts.codes) {
      const path = join(base, folder, `${code}.yaml`);
      if (!existsSync(path)) {
        (code === opts.sourceLocale ? errors : warnings).push(src.error(['id'], `missing locale "${code}" (${code}.yaml)`));
        continue;
      }
      const tsrc = opts.read(path);
      const t = tsrc ? opts.check(questionnaireTextSchema, tsrc) : null;
      if (!tsrc || !t) continue;
      const keyErr = (section: 'questions' | 'results', key: string, message: string) => {
        const p = tsrc.keyPos([section], key);
        errors.push({ file: tsrc.file, line: p.line, col: p.col, message });
      };
      for (const q of qids) if (!t.questions[q]) errors.push(tsrc.error(['questions'], `missing question "${q}"`));
      for (const k of Object.keys(t.questions)) if (!qids.has(k)) keyErr('questions', k, `unknown question "${k}"`);
      for (const r of rids) if (!t.results[r]) errors.push(tsrc.error(['results'], `missing result text "${r}"`));
      for (const k of Object.keys(t.results)) if (!rids.has(k)) keyErr('results', k, `unknown result "${k}"`);
      if (t.review.status === 'reviewed' && (!t.review.reviewed_by || !t.review.reviewed_at)) {
        errors.push(tsrc.error(['review'], 'a reviewed text needs reviewed_by and reviewed_at'));
      }
      texts[code] = {
        locale: code,
        title: t.title,
        intro: t.intro,
        questions: t.questions,
        results: t.results,
        review: { status: t.review.status, reviewedBy: t.review.reviewed_by ?? null, reviewedAt: t.review.reviewed_at ?? null, sourceHash: null },
      };
    }
    out.set(meta.id, {
      id: meta.id,
      topic: meta.topic ?? null,
      questions: meta.questions,
      results: meta.results.map((r) => ({ id: r.id, min: r.min, max: r.max, topics: r.topics, offerPerson: r.offer_person })),
      sources: meta.sources,
      texts,
      hash: shortHash(JSON.stringify({ meta, texts }), 8),
    });
  }
  return out;
}
