/**
 * The content port with live reload: watches the content folder, validates a changed version completely,
 * and swaps it in atomically. An invalid change is rejected (errors logged as file:line:col) and the last
 * good version keeps serving.
 */
import { type FSWatcher, watch } from 'node:fs';
import type { ContentSnapshot } from '../core/content-types.ts';
import type { ContentPort, Logger } from '../core/ports.ts';
import { loadContent } from './loader.ts';
import { type ContentError, formatError } from './yaml-source.ts';

export interface ReloadAttempt {
  at: number;
  ok: boolean;
  version: string | null;
  errors: string[];
}

export interface LiveContent extends ContentPort {
  /** Loads the folder again; returns true when the new version went live. */
  reload(): boolean;
  lastRejected(): ReloadAttempt | null;
  onChange(fn: (s: ContentSnapshot) => void): void;
  watch(): void;
  close(): void;
}

export class ContentLoadError extends Error {
  readonly errors: ContentError[];
  constructor(errors: ContentError[]) {
    super(`content is invalid:\n${errors.map(formatError).join('\n')}`);
    this.errors = errors;
  }
}

export function createLiveContent(opts: { dir: string; logger: Logger; now?: () => number; debounceMs?: number }): LiveContent {
  const now = opts.now ?? Date.now;
  const first = loadContent(opts.dir, now());
  if (!first.snapshot) throw new ContentLoadError(first.errors);
  let active: ContentSnapshot = first.snapshot;
  let rejected: ReloadAttempt | null = null;
  const listeners: ((s: ContentSnapshot) => void)[] = [];
  let watcher: FSWatcher | null = null;
  let timer: NodeJS.Timeout | null = null;

  const live: LiveContent = {
    current: () => active,
    lastRejected: () => rejected,
    onChange: (fn) => listeners.push(fn),
    reload() {
      const r = loadContent(opts.dir, now());
      if (!r.snapshot) {
        rejected = { at: now(), ok: false, version: null, errors: r.errors.map(formatError) };
        opts.logger.error({ event: 'content_rejected', errors: rejected.errors.slice(0, 50) }, 'content change rejected; keeping the last good version');
        return false;
      }
      active = r.snapshot;
      opts.logger.info({ event: 'content_loaded', version: active.version, marker: active.marker }, 'content reloaded');
      for (const fn of listeners) fn(active);
      return true;
    },
    watch() {
      if (watcher) return;
      watcher = watch(opts.dir, { recursive: true }, () => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => live.reload(), opts.debounceMs ?? 300);
      });
      watcher.on('error', (e) => opts.logger.warn({ event: 'content_watch_error', code: (e as NodeJS.ErrnoException).code }, 'content watcher error'));
    },
    close() {
      watcher?.close();
      watcher = null;
      if (timer) clearTimeout(timer);
    },
  };
  return live;
}
