/**
 * Keeps the matcher and crisis detector in step with the active content version.
 */

import type { LiveContent } from '../content/store.ts';
import type { ContentSnapshot } from '../core/content-types.ts';
import type { CrisisDetector, Matcher } from '../core/ports.ts';
import { createCrisisDetector } from './crisis.ts';
import { createMatcher } from './matcher.ts';

export function createLiveSearch(content: Pick<LiveContent, 'current' | 'onChange'>): { matcher: Matcher; crisis: CrisisDetector } {
  let matcher = createMatcher(content.current());
  let crisis = createCrisisDetector(content.current().crisis);
  content.onChange((s: ContentSnapshot) => {
    matcher = createMatcher(s);
    crisis = createCrisisDetector(s.crisis);
  });
  return {
    matcher: { match: (l, t) => matcher.match(l, t) },
    crisis: { detect: (t) => crisis.detect(t) },
  };
}
