/**
 * Shared pieces of the channel fuzz tests: hostile value generators, a retained-memory probe and a guard against
 * unhandled rejections.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterAll, beforeAll, expect } from 'vitest';

export const RUNS = 10_000;
export const unicode = fc.string({ unit: 'binary', maxLength: 200 });
export const huge = fc.integer({ min: 4_000, max: 40_000 }).map((n) => 'ሰ'.repeat(n));
export const deep = fc.integer({ min: 50, max: 2_000 }).map((d) => JSON.parse('{"a":'.repeat(d) + '1' + '}'.repeat(d)) as unknown);
export const wrong = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double(),
  fc.integer(),
  unicode,
  fc.array(fc.anything(), { maxLength: 3 }),
  fc.object({ maxDepth: 2 }),
  deep,
);
export const maybe = <T>(a: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: a }, { weight: 1, arbitrary: wrong });
export const textArb = fc.oneof(unicode, huge, fc.constantFrom('/start', '/forget', '/start@wegwijs_test_bot x', '/menu@other_bot', '1', 'menu', '', '   '));

// A real collection before measuring, so that "memory stays bounded" measures what is kept, not GC timing.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
export const retainedMb = () => {
  gc();
  return process.memoryUsage().heapUsed / 1e6;
};

/** Fails the file when any promise rejection went unhandled while it ran. */
export function failOnUnhandledRejections(): void {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => void unhandled.push(e);
  beforeAll(() => {
    process.on('unhandledRejection', onUnhandled);
  });
  afterAll(() => {
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
  });
}
