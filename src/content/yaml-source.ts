/**
 * Reads a YAML file keeping source positions, so every validation error can be reported as file:line:col.
 */
import { readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, LineCounter, type Node, parseDocument } from 'yaml';

export interface ContentError {
  file: string;
  line: number;
  col: number;
  message: string;
}

export function formatError(e: ContentError): string {
  return `${e.file}:${e.line}:${e.col}: ${e.message}`;
}

export interface YamlSource {
  file: string;
  data: unknown;
  /** Position of the value at `path` (or of its nearest existing parent). */
  pos(path: (string | number)[]): { line: number; col: number };
  /** Position of the key `key` inside the map at `path` (for unknown keys). */
  keyPos(path: (string | number)[], key: string): { line: number; col: number };
  error(path: (string | number)[], message: string): ContentError;
}

/** Parses a YAML file. Syntax errors are returned, never thrown. */
export function readYaml(file: string, displayName = file): { source: YamlSource | null; errors: ContentError[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { source: null, errors: [{ file: displayName, line: 1, col: 1, message: `cannot read file (${(e as NodeJS.ErrnoException).code ?? 'error'})` }] };
  }
  return parseYamlText(text, displayName);
}

/** Parses YAML text (already read) with source positions. Never throws. */
export function parseYamlText(text: string, displayName: string): { source: YamlSource | null; errors: ContentError[] } {
  if (text.length > 1_000_000) return { source: null, errors: [{ file: displayName, line: 1, col: 1, message: 'file larger than 1 MB' }] };
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    return {
      source: null,
      errors: doc.errors.map((err) => {
        const lp = err.linePos?.[0] ?? lineCounter.linePos(err.pos[0]);
        return { file: displayName, line: lp.line, col: lp.col, message: `YAML syntax: ${err.message.split('\n')[0]}` };
      }),
    };
  }
  const at = (offset: number | undefined) => (offset === undefined ? { line: 1, col: 1 } : lineCounter.linePos(offset));
  const nodeAt = (path: (string | number)[]): Node | null => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (node && typeof node === 'object' && 'range' in (node as object)) return node as Node;
    }
    return null;
  };
  const source: YamlSource = {
    file: displayName,
    data: doc.toJS(),
    pos: (path) => at(nodeAt(path)?.range?.[0]),
    keyPos(path, key) {
      const map = path.length ? doc.getIn(path, true) : doc.contents;
      if (isMap(map)) {
        for (const item of map.items) {
          if (isPair(item) && isScalar(item.key) && item.key.value === key) return at(item.key.range?.[0]);
        }
      }
      return source.pos(path);
    },
    error(path, message) {
      const p = source.pos(path);
      return { file: displayName, line: p.line, col: p.col, message };
    },
  };
  return { source, errors: [] };
}
