/** `npm run -s cli -- helper ...`: add (one-time link), schedule, set, reset-password, list, and clear errors. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helperCommand } from '../../src/handover/cli.ts';
import { openStore } from '../../src/storage/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'wegwijs-cli-'));
beforeAll(() => {
  process.env.DATA_DIR = dir;
  process.env.PUBLIC_URL = 'https://wegwijs.example.org';
});
afterAll(() => {
  delete process.env.DATA_DIR;
  delete process.env.PUBLIC_URL;
  rmSync(dir, { recursive: true, force: true });
});

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (d) => out.push(String(d)));
  stderr.on('data', (d) => err.push(String(d)));
  const code = await helperCommand(args, { stdin: new PassThrough(), stdout, stderr });
  return { code, out: out.join(''), err: err.join('') };
}

describe('helper CLI', () => {
  it('adds a helper and prints a one-time set-password link under PUBLIC_URL', async () => {
    const r = await run(
      'add',
      '--name',
      'Fatima Ahmadi',
      '--languages',
      'fa,prs',
      '--regions',
      'utrecht,amersfoort',
      '--coordinator',
      '--gender',
      'woman',
      '--max-open',
      '2',
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/https:\/\/wegwijs\.example\.org\/helpers\/set-password\?token=[A-Za-z0-9_-]{40,}/);
    expect(r.out).toContain('fatima.ahmadi');
    const store = await openStore({ dataDir: dir });
    const h = await store.getHelperByLogin('fatima.ahmadi');
    await store.close();
    expect(h).toMatchObject({
      languages: ['fa', 'prs'],
      regions: ['utrecht', 'amersfoort'],
      coordinator: true,
      gender: 'woman',
      maxOpen: 2,
      passwordHash: null,
    });
  });

  it('sets a schedule, changes settings, resets the password link and lists helpers', async () => {
    expect((await run('schedule', 'fatima.ahmadi', 'mo 09:00-12:00, we 13:00-17:00')).code).toBe(0);
    expect((await run('set', 'fatima.ahmadi', '--regions', 'prov:utrecht', '--max-open', '4')).out).toContain('regions=prov:utrecht');
    expect((await run('reset-password', 'fatima.ahmadi')).out).toContain('/helpers/set-password?token=');
    const list = await run('list');
    expect(list.out).toContain('schedule="mo 09:00-12:00, we 13:00-17:00"');
    expect(list.out).toContain('max-open=4');
    expect(list.out).toContain('coordinator');
  });

  it('explains bad input in one line and exits with 2', async () => {
    expect(await run('add', '--name', 'X', '--languages', 'xx', '--regions', 'utrecht')).toMatchObject({
      code: 2,
      err: expect.stringContaining('unknown language "xx"'),
    });
    expect(await run('add', '--name', 'X', '--languages', 'ar', '--regions', 'atlantis')).toMatchObject({
      code: 2,
      err: expect.stringContaining('unknown region "atlantis"'),
    });
    expect(await run('schedule', 'fatima.ahmadi', 'mo 17:00-09:00')).toMatchObject({ code: 2, err: expect.stringContaining('end must be after the start') });
    expect(await run('schedule', 'nobody', 'mo 09:00-10:00')).toMatchObject({ code: 2, err: expect.stringContaining('no helper "nobody"') });
    expect((await run('frobnicate')).code).toBe(2);
  });
});
