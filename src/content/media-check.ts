/**
 * Checks the audio and image files topics refer to (`content/media/`): safe relative name, existence, type by
 * extension *and* by the file's first bytes, and the size limits of the channels that must deliver them.
 * @see https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media#supported-media-types
 *   (audio ≤ 16 MB, audio/ogg only with the Opus codec; images jpeg/png ≤ 5 MB)
 * @see https://core.telegram.org/bots/api#sendvoice (OGG/Opus, MP3 or M4A; bots send files up to 50 MB)
 */
import { closeSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { extname, join, sep } from 'node:path';

export const MEDIA_LIMITS = {
  /** WhatsApp's audio limit; Telegram allows 50 MB, so the stricter one decides. */
  audioBytes: 16 * 1024 * 1024,
  telegramBytes: 50 * 1024 * 1024,
  /** WhatsApp's image limit (Telegram photos: 10 MB). */
  imageBytes: 5 * 1024 * 1024,
} as const;

export const MEDIA_TYPES: Record<string, { kind: 'audio' | 'image'; mime: string }> = {
  '.ogg': { kind: 'audio', mime: 'audio/ogg' },
  '.opus': { kind: 'audio', mime: 'audio/ogg' },
  '.mp3': { kind: 'audio', mime: 'audio/mpeg' },
  '.m4a': { kind: 'audio', mime: 'audio/mp4' },
  '.png': { kind: 'image', mime: 'image/png' },
  '.jpg': { kind: 'image', mime: 'image/jpeg' },
  '.jpeg': { kind: 'image', mime: 'image/jpeg' },
};

/** Relative names only: letters, digits, `.`, `_`, `-`, and `/` between folder names; no `..`, no hidden files. */
export const SAFE_MEDIA_NAME = /^(?:[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*\/){0,3}[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$/;

export function mediaType(name: string): { kind: 'audio' | 'image'; mime: string } | undefined {
  return MEDIA_TYPES[extname(name).toLowerCase()];
}

function head(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const read = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** What the first bytes say the file is. */
function sniff(b: Buffer): 'ogg-opus' | 'ogg-other' | 'mp3' | 'm4a' | 'png' | 'jpg' | 'unknown' {
  if (b.subarray(0, 4).toString('latin1') === 'OggS') return b.includes(Buffer.from('OpusHead')) ? 'ogg-opus' : 'ogg-other';
  if (b.subarray(0, 3).toString('latin1') === 'ID3' || (b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0)) return 'mp3';
  if (b.subarray(4, 8).toString('latin1') === 'ftyp') return 'm4a';
  if (b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpg';
  return 'unknown';
}

const EXPECTED: Record<string, string> = {
  '.ogg': 'ogg-opus',
  '.opus': 'ogg-opus',
  '.mp3': 'mp3',
  '.m4a': 'm4a',
  '.png': 'png',
  '.jpg': 'jpg',
  '.jpeg': 'jpg',
};

/**
 * Returns the problems with one media reference, as messages for a file:line:col error (empty when fine).
 * `expect` is the field it was referenced from: an `audio` field must name an audio file, `image` an image.
 */
export function checkMediaFile(mediaDir: string, name: string, expect: 'audio' | 'image'): string[] {
  if (!SAFE_MEDIA_NAME.test(name)) return [`media name "${name}" must be a relative path of letters, digits, ".", "_", "-" (no "..")`];
  const type = mediaType(name);
  if (!type) return [`media type of "${name}" is not supported: use .ogg/.opus (Opus), .mp3 or .m4a for audio, .png or .jpg for images`];
  if (type.kind !== expect)
    return [`"${name}" is ${type.kind === 'audio' ? 'an audio file' : 'an image'}, but this field needs ${expect === 'audio' ? 'audio' : 'an image'}`];
  const path = join(mediaDir, name);
  let size: number;
  try {
    const real = realpathSync(path);
    if (!real.startsWith(realpathSync(mediaDir) + sep)) return [`media file "${name}" points outside content/media`];
    const st = statSync(real);
    if (!st.isFile()) return [`media file not found: content/media/${name}`];
    size = st.size;
  } catch {
    return [`media file not found: content/media/${name}`];
  }
  const problems: string[] = [];
  const found = sniff(head(path, 512));
  const wanted = EXPECTED[extname(name).toLowerCase()];
  if (found === 'ogg-other') problems.push(`"${name}" is Ogg but not Opus: WhatsApp plays only Ogg/Opus (convert with opusenc or ffmpeg -c:a libopus)`);
  else if (found !== wanted) problems.push(`"${name}" does not contain what its extension says (found: ${found})`);
  const limit = type.kind === 'audio' ? MEDIA_LIMITS.audioBytes : MEDIA_LIMITS.imageBytes;
  if (size > limit) {
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    problems.push(
      type.kind === 'audio'
        ? `"${name}" is ${mb(size)} MB: audio may be at most 16 MB (WhatsApp; Telegram allows 50 MB)`
        : `"${name}" is ${mb(size)} MB: images may be at most 5 MB (WhatsApp)`,
    );
  }
  if (size === 0) problems.push(`"${name}" is empty`);
  return problems;
}
