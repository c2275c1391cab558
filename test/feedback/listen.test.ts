/**
 * Voice for low literacy: "Listen" where a topic has audio, the media files' validation (existence, real type, size),
 * and GET /media/<file> (content types, ranges, no way out of the folder).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/loader.ts';
import { checkMediaFile, MEDIA_LIMITS } from '../../src/content/media-check.ts';
import { formatError } from '../../src/content/yaml-source.ts';
import { type RunningApp, startApp } from '../helpers/app.ts';
import { CONTENT, flowEngine, ids } from '../nearby/harness.ts';

describe('listen', () => {
  it('offers "Listen" (computer voice) on the huisarts topic in Dutch and Arabic, not where there is no audio', async () => {
    const t = await flowEngine();
    await t.choose('lang:ar');
    const page = await t.choose(`topic:huisarts~${t.marker}`);
    const listen = page.flatMap((m) => (m.kind === 'choices' ? m.choices : [])).find((c) => c.id === `listen:huisarts~${t.marker}`);
    expect(listen).toEqual({ id: `listen:huisarts~${t.marker}`, label: '🔊 استمع', description: 'صوت حاسوب' });
    await t.choose('lang:en', 'u2');
    expect(ids(await t.choose(`topic:huisarts~${t.marker}`, 'u2'))).not.toContain(`listen:huisarts~${t.marker}`);
    expect(ids(await t.choose(`topic:sleep~${t.marker}`))).not.toContain(`listen:sleep~${t.marker}`);
  });

  it('sends the audio as a voice message labelled as a computer voice in the user language', async () => {
    const t = await flowEngine();
    await t.choose('lang:nl');
    const out = await t.choose(`listen:huisarts~${t.marker}`);
    expect(out).toEqual([
      {
        kind: 'media',
        mediaType: 'voice',
        url: '/media/huisarts-nl.ogg',
        mime: 'audio/ogg',
        caption: '🔊 De huisarts (computerstem, geen echt mens)',
        lang: 'nl',
        dir: 'ltr',
      },
    ]);
    expect((await t.store.counters('listen', 0)).map((c) => c.key)).toEqual(['huisarts|nl']);
    expect(ids(await t.choose(`listen:sleep~${t.marker}`))).toContain('nav:person'); // no audio: "menu changed"
  });
});

describe('media validation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wegwijs-media-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const opus = readFileSync(join(CONTENT, 'media', 'huisarts-nl.ogg'));

  it('accepts the shipped synthetic files: real Ogg/Opus, far below the limits', () => {
    for (const name of ['huisarts-nl.ogg', 'huisarts-ar.ogg']) {
      expect(checkMediaFile(join(CONTENT, 'media'), name, 'audio')).toEqual([]);
      expect(readFileSync(join(CONTENT, 'media', name)).length).toBeLessThan(MEDIA_LIMITS.audioBytes);
    }
  });

  it('refuses wrong types, disguised files, Ogg without Opus, oversize files, unsafe names and missing files', () => {
    writeFileSync(join(dir, 'text.ogg'), 'not audio at all');
    writeFileSync(join(dir, 'vorbis.ogg'), Buffer.concat([Buffer.from('OggS'), Buffer.alloc(60), Buffer.from('\u0001vorbis')]));
    writeFileSync(join(dir, 'big.ogg'), Buffer.concat([opus.subarray(0, 200), Buffer.alloc(MEDIA_LIMITS.audioBytes)]));
    writeFileSync(join(dir, 'big.png'), Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(MEDIA_LIMITS.imageBytes)]));
    writeFileSync(join(dir, 'photo.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]));
    writeFileSync(join(dir, 'clip.wav'), 'RIFF');
    const one = (name: string, kind: 'audio' | 'image') => checkMediaFile(dir, name, kind).join(' | ');
    expect(one('text.ogg', 'audio')).toContain('does not contain what its extension says');
    expect(one('vorbis.ogg', 'audio')).toContain('is Ogg but not Opus');
    expect(one('big.ogg', 'audio')).toContain('audio may be at most 16 MB');
    expect(one('big.png', 'image')).toContain('images may be at most 5 MB');
    expect(one('photo.jpg', 'image')).toBe('');
    expect(one('photo.jpg', 'audio')).toContain('this field needs audio');
    expect(one('clip.wav', 'audio')).toContain('is not supported');
    expect(one('../secret.ogg', 'audio')).toContain('must be a relative path');
    expect(one('/etc/passwd.ogg', 'audio')).toContain('must be a relative path');
    expect(one('missing.ogg', 'audio')).toContain('media file not found');
  });

  it('reports a bad media reference in a topic as file:line:col', () => {
    const copy = mkdtempSync(join(tmpdir(), 'wegwijs-media-content-'));
    try {
      cpSync(CONTENT, copy, { recursive: true });
      writeFileSync(join(copy, 'media', 'huisarts-nl.ogg'), 'broken');
      const r = loadContent(copy);
      const e = r.errors.map(formatError).find((x) => x.includes('huisarts') && x.includes('nl.yaml'));
      expect(e).toMatch(/topics\/huisarts\/nl\.yaml:\d+:\d+: "huisarts-nl\.ogg" does not contain what its extension says/);
      expect(r.snapshot).toBeNull();
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('GET /media/<file>', () => {
  let app: RunningApp;
  let media: string;
  beforeAll(async () => {
    const copy = mkdtempSync(join(tmpdir(), 'wegwijs-media-app-'));
    cpSync(CONTENT, copy, { recursive: true });
    media = join(copy, 'media');
    app = await startApp({ CONTENT_DIR: copy, CONTENT_WATCH: 'false' }, { memory: true });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('serves audio with its content type, length and byte ranges', async () => {
    const size = readFileSync(join(media, 'huisarts-ar.ogg')).length;
    const r = await fetch(`${app.url}/media/huisarts-ar.ogg`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('audio/ogg');
    expect(Number(r.headers.get('content-length'))).toBe(size);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(
      Buffer.from(await r.arrayBuffer())
        .subarray(0, 4)
        .toString(),
    ).toBe('OggS');
    const part = await fetch(`${app.url}/media/huisarts-ar.ogg`, { headers: { range: 'bytes=0-99' } });
    expect(part.status).toBe(206);
    expect((await part.arrayBuffer()).byteLength).toBe(100);
  });

  it('never leaves the media folder and never serves other types', async () => {
    symlinkSync('/etc/hostname', join(media, 'outside.ogg'));
    writeFileSync(join(media, 'notes.txt'), 'x');
    writeFileSync(join(media, '.hidden.ogg'), 'x');
    for (const path of [
      '/media/../manifest.yaml',
      '/media/%2e%2e/manifest.yaml',
      '/media/..%2fmanifest.yaml',
      '/media/outside.ogg',
      '/media/notes.txt',
      '/media/.hidden.ogg',
      '/media/missing.ogg',
      '/media/',
    ]) {
      const r = await fetch(`${app.url}${path}`);
      expect(r.status, path).toBe(404);
      expect(await r.text(), path).toBe('{"error":"not_found"}');
    }
  });
});
