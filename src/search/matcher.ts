/**
 * Free-text matcher. One BM25 index (MiniSearch, with fuzzy and prefix matching) per locale, with one document
 * per topic built from its title, question variants and keywords — never the body — plus the Dutch title and
 * keywords, because people type Dutch loanwords ("huisarts", "eigen risico") in every language.
 *
 * Ranking is BM25. Confidence is separate and conservative: the share of the question's information (IDF-weighted
 * query words) that the best topic explains. Words the catalogue has never seen count fully against confidence, so
 * "when does the train to Utrecht leave" abstains even though "when" matches many topics.
 * Everyday questions outside health and care (`content/off-topic/`) are indexed as one negative document per
 * locale: when a question resembles them at least as much as any topic, the matcher abstains, even if a topic
 * shares a word with it ("cheap phone plan" is not about health insurance because both mention a price).
 * Thresholds were chosen on the catalogue's own question variants (leave-one-out, `bench/tune.ts`), not on the
 * public evaluation set. Why MiniSearch rather than fuse.js here: see the README (measured).
 */
import MiniSearch, { type SearchResult } from 'minisearch';
import type { ContentSnapshot } from '../core/content-types.ts';
import type { MatchCandidate, Matcher, MatchResult } from '../core/ports.ts';
import { tokens } from './normalize.ts';

export interface MatcherOptions {
  /** Minimum confidence for a direct answer. */
  answerConfidence: number;
  /** Minimum BM25 ratio best/second for a direct answer. */
  answerMargin: number;
  /** Minimum confidence to offer candidates as choices. */
  choiceConfidence: number;
  /** Locales searched as well when the user's own finds nothing confident. */
  fallbackLocales: string[];
  /** Exponent on word weights: above 1 lets rare, content-bearing words dominate function words. */
  idfPower: number;
  /** Credit for a query word matched only fuzzily or as a prefix (exact match = 1). */
  partialCredit: number;
  /** Extra credit for a query word that is in the topic's title or keywords: the words that define the topic. */
  definingBonus: number;
}

export const DEFAULT_MATCHER_OPTIONS: MatcherOptions = {
  answerConfidence: 0.65,
  answerMargin: 1.3,
  choiceConfidence: 0.45,
  fallbackLocales: ['nl', 'en'],
  idfPower: 2,
  partialCredit: 1,
  definingBonus: 2,
};

interface TopicDoc {
  id: string;
  title: string;
  keywords: string;
  questions: string;
  loan: string;
}

interface LocaleIndex {
  ms: MiniSearch<TopicDoc>;
  df: Map<string, number>;
  /** Exact terms per topic, to tell exact matches from fuzzy ones. */
  vocab: Map<string, Set<string>>;
  /** Terms of each topic's title and keywords (incl. the Dutch loanwords). */
  defining: Map<string, Set<string>>;
  n: number;
}

export interface ScoredCandidate extends MatchCandidate {
  bm25: number;
  /** Coverage before capping at 1: tells two topics apart that both explain the whole question. */
  raw: number;
}

/** Id of the negative document; cannot collide with a topic id (kebab-case). */
export const OFF_TOPIC = '~off-topic';

const FIELDS = ['title', 'keywords', 'questions', 'loan'] as const;
const BOOST = { title: 2, keywords: 2, questions: 1, loan: 1 };

function fuzzy(term: string): number {
  return term.length >= 8 ? 2 : term.length >= 5 ? 1 : 0;
}

function buildIndex(docs: TopicDoc[]): LocaleIndex {
  const ms = new MiniSearch<TopicDoc>({
    fields: [...FIELDS],
    tokenize: (s) => tokens(s),
    processTerm: (t) => t || null,
    searchOptions: { boost: BOOST, fuzzy, prefix: (t) => t.length >= 5, combineWith: 'OR' },
  });
  ms.addAll(docs);
  const df = new Map<string, number>();
  const vocab = new Map<string, Set<string>>();
  const defining = new Map<string, Set<string>>();
  for (const d of docs) {
    const terms = new Set(FIELDS.flatMap((f) => tokens(d[f])));
    vocab.set(d.id, terms);
    // Off-topic words get no "defining" bonus: a topic's own title word must outweigh a generic everyday word.
    defining.set(d.id, d.id === OFF_TOPIC ? new Set() : new Set([...tokens(d.title), ...tokens(d.keywords), ...tokens(d.loan)]));
    for (const t of terms) df.set(t, (df.get(t) ?? 0) + 1);
  }
  return { ms, df, vocab, defining, n: docs.length };
}

/**
 * Separates the off-topic document from the topics, and tells whether it explains the question better than every
 * topic (and at least `choiceConfidence`): then the matcher abstains. Shared with `bench/tune.ts`.
 */
export function splitOffTopic<C extends { topicId: string; score: number; raw: number }>(
  all: C[],
  choiceConfidence: number,
): { cands: C[]; offTopic: boolean } {
  const off = all.find((c) => c.topicId === OFF_TOPIC);
  const cands = off ? all.filter((c) => c !== off) : all;
  const best = cands.reduce((m, c) => Math.max(m, c.raw), 0);
  return { cands, offTopic: off !== undefined && off.score >= choiceConfidence && off.raw > best };
}

export function createMatcher(
  snapshot: ContentSnapshot,
  options: Partial<MatcherOptions> = {},
): Matcher & {
  buildMs: number;
  rank(locale: string, text: string): { candidates: ScoredCandidate[] };
} {
  const opts = { ...DEFAULT_MATCHER_OPTIONS, ...options };
  const start = performance.now();
  const indexes = new Map<string, LocaleIndex>();
  const source = snapshot.sourceLocale;
  for (const loc of snapshot.locales) {
    const docs: TopicDoc[] = [];
    for (const topic of snapshot.topics.values()) {
      const t = topic.texts[loc.code];
      if (!t) continue;
      const nl = loc.code === source ? undefined : topic.texts[source];
      docs.push({
        id: topic.id,
        title: t.title,
        keywords: t.keywords.join(' · '),
        questions: t.questions.join(' · '),
        loan: nl ? [nl.title, ...nl.keywords].join(' · ') : '',
      });
    }
    const off = snapshot.offTopic?.[loc.code];
    if (off?.length) {
      const nlOff = loc.code === source ? [] : (snapshot.offTopic?.[source] ?? []);
      docs.push({ id: OFF_TOPIC, title: '', keywords: off.join(' · '), questions: '', loan: nlOff.join(' · ') });
    }
    indexes.set(loc.code, buildIndex(docs));
  }
  const buildMs = performance.now() - start;

  /** Weight of a query word: its inverse topic frequency; unknown words weigh as much as the rarest. */
  function weight(idx: LocaleIndex, term: string, known: boolean): number {
    const df = idx.df.get(term);
    const maxIdf = Math.log(1 + idx.n);
    const idf = df ? Math.log(1 + (idx.n - df + 0.5) / (df + 0.5)) : known ? maxIdf * 0.8 : maxIdf;
    return idf ** opts.idfPower;
  }

  function rank(locale: string, text: string): { candidates: ScoredCandidate[] } {
    const idx = indexes.get(locale);
    const q = [...new Set(tokens(text))];
    if (!idx || !q.length) return { candidates: [] };
    const results: SearchResult[] = idx.ms.search(text);
    const matchedAnywhere = new Set(results.flatMap((r) => r.queryTerms));
    const w = new Map(q.map((t) => [t, weight(idx, t, matchedAnywhere.has(t))]));
    const total = [...w.values()].reduce((a, b) => a + b, 0);
    const candidates = results.map((r) => {
      const exact = idx.vocab.get(String(r.id));
      const defining = idx.defining.get(String(r.id));
      const covered = [...new Set(r.queryTerms)].reduce(
        (a, t) => a + (w.get(t) ?? 0) * (exact?.has(t) ? 1 : opts.partialCredit) * (defining?.has(t) ? opts.definingBonus : 1),
        0,
      );
      const raw = total > 0 ? covered / total : 0;
      return { topicId: String(r.id), score: Math.min(1, raw), bm25: r.score, raw };
    });
    return { candidates };
  }

  function decide(all: ScoredCandidate[]): MatchResult & { offTopic?: boolean } {
    const { cands, offTopic } = splitOffTopic(all, opts.choiceConfidence);
    if (offTopic) return { outcome: 'none', candidates: [], offTopic: true };
    // Rank by BM25 among the topics that explain enough of the question; a strong but partial match elsewhere must
    // not hide a topic that covers the question.
    const confident = cands.filter((c) => c.score >= opts.choiceConfidence);
    const first = confident[0];
    if (!first) return { outcome: 'none', candidates: [] };
    const second = cands.find((c) => c !== first);
    const margin = second ? first.bm25 / Math.max(second.bm25, 1e-9) : Number.POSITIVE_INFINITY;
    const strip = (c: ScoredCandidate): MatchCandidate => ({ topicId: c.topicId, score: c.score });
    if (first.score >= opts.answerConfidence && margin >= opts.answerMargin) return { outcome: 'answer', candidates: confident.slice(0, 5).map(strip) };
    return { outcome: 'choices', candidates: confident.slice(0, 3).map(strip) };
  }

  return {
    buildMs,
    rank,
    match(locale, text) {
      const own = decide(rank(locale, text).candidates);
      if (own.outcome === 'answer') return own;
      // Recognised as an everyday non-health question in the user's own language: do not look for loanwords.
      if (own.offTopic) return { outcome: 'none', candidates: [] };
      let other: MatchResult | null = null;
      for (const fb of opts.fallbackLocales) {
        if (fb === locale) continue;
        const r = decide(rank(fb, text).candidates);
        if (r.outcome === 'answer') return r;
        if (r.outcome === 'choices' && !other) other = r;
      }
      if (own.outcome === 'choices') return own;
      return other ?? own;
    },
  };
}
