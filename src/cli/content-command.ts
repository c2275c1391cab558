import { resolve } from 'node:path';
import { loadContent } from '../content/loader.ts';
import { buildReport, formatReport, reportHasProblems } from '../content/report.ts';
import { stampAll } from '../content/stamp.ts';
import { formatError } from '../content/yaml-source.ts';
import { type CliIo, contentDir } from './util.ts';

export async function contentCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'validate') {
    const dir = contentDir(rest);
    const r = loadContent(dir);
    for (const e of r.errors) io.stdout.write(`${formatError(e)}\n`);
    for (const w of r.warnings) io.stderr.write(`warning: ${formatError(w)}\n`);
    if (r.errors.length) {
      io.stderr.write(`${r.errors.length} error(s)\n`);
      return 1;
    }
    io.stderr.write(`content ${r.snapshot?.version} is valid: ${r.snapshot?.topics.size} topics, ${r.snapshot?.locales.length} locales\n`);
    return 0;
  }
  if (sub === 'report') {
    const r = loadContent(contentDir(rest));
    if (!r.snapshot) {
      for (const e of r.errors) io.stdout.write(`${formatError(e)}\n`);
      return 1;
    }
    const report = buildReport(r.snapshot, Date.now());
    // Usage sections (helpfulness, unanswered, crisis per week) need the database: on request, or when one exists.
    const usage = await import('./report-extra.ts');
    const asked = ['--usage', '--unanswered', '--feedback', '--days'].some((f) => rest.includes(f));
    const extra = !rest.includes('--no-usage') && (asked || usage.usageAvailable()) ? await usage.extraReport(rest) : null;
    if (rest.includes('--json')) io.stdout.write(`${JSON.stringify(extra ? { ...report, ...extra } : report, null, 2)}\n`);
    else io.stdout.write(`${formatReport(report)}\n${extra ? `\n${usage.formatExtra(extra)}\n` : ''}`);
    return rest.includes('--strict') && reportHasProblems(report) ? 1 : 0;
  }
  if (sub === 'stamp') {
    const dir = contentDir([], 0);
    const r = loadContent(dir);
    if (!r.snapshot) {
      for (const e of r.errors) io.stdout.write(`${formatError(e)}\n`);
      return 1;
    }
    const all = rest.includes('--all');
    const [topic, locale] = rest.filter((a) => !a.startsWith('--'));
    if (!all && (!topic || !locale)) {
      io.stderr.write('usage: content stamp <topic> <locale> | content stamp --all\n');
      return 2;
    }
    const n = stampAll(resolve(dir), r.snapshot, all ? {} : { topic, locale });
    io.stderr.write(`stamped ${n} translation(s)\n`);
    return 0;
  }
  io.stderr.write('usage: content validate [dir] | report [--json] [--strict] [--usage] [--days N] [--top N] [--no-usage] | stamp <topic> <locale>|--all\n');
  return 2;
}
