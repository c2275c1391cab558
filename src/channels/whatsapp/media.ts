/**
 * Turns the local media paths the engine uses (`/media/<file>`, served by the app from `content/media`) into
 * something WhatsApp can fetch: an absolute link under PUBLIC_URL, or, without a public URL, a media id from an
 * upload to the Graph API (cached; uploaded media stay available for 30 days).
 * @see https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { GraphClient } from './graph-client.ts';
import type { WaMediaObject, WaMessage } from './types.ts';

const MIME: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.pdf': 'application/pdf',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.mp4': 'video/mp4',
};
const UPLOAD_TTL_MS = 29 * 24 * 3600 * 1000;

export interface MediaResolverDeps {
  graph: GraphClient;
  /** Folder with the files served under `/media/`. */
  mediaDir: string;
  publicUrl?: string | undefined;
  now(): number;
}

export class MediaUnavailableError extends Error {}

/** The file path segments of a local `/media/...` link (encoded or not); null for anything else or `..`. */
export function mediaSegments(link: string): string[] | null {
  if (!link.startsWith('/media/')) return null;
  const segments = link
    .slice('/media/'.length)
    .split('/')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  return segments.length && segments.every((s) => s && s !== '.' && s !== '..' && !s.includes('\\') && !s.includes('/')) ? segments : null;
}

export function createMediaResolver(deps: MediaResolverDeps) {
  const uploaded = new Map<string, { id: string; at: number; mtime: number }>();

  async function upload(segments: string[]): Promise<string> {
    const name = segments.join('/');
    const path = join(deps.mediaDir, ...segments);
    const st = await stat(path).catch(() => null);
    if (!st?.isFile()) throw new MediaUnavailableError('media file missing');
    const hit = uploaded.get(name);
    if (hit && hit.mtime === st.mtimeMs && deps.now() - hit.at < UPLOAD_TTL_MS) return hit.id;
    const mime = MIME[extname(name).toLowerCase()] ?? 'application/octet-stream';
    const id = await deps.graph.uploadMedia(new Uint8Array(await readFile(path)), mime, basename(name));
    uploaded.set(name, { id, at: deps.now(), mtime: st.mtimeMs });
    return id;
  }

  async function resolveObject(obj: WaMediaObject): Promise<WaMediaObject> {
    const link = obj.link;
    if (!link?.startsWith('/')) return obj;
    const { link: _local, ...rest } = obj;
    const segments = mediaSegments(link);
    if (!segments) throw new MediaUnavailableError('not a media path');
    if (deps.publicUrl) return { ...rest, link: `${deps.publicUrl.replace(/\/+$/, '')}/media/${segments.map(encodeURIComponent).join('/')}` };
    return { ...rest, id: await upload(segments) };
  }

  return {
    /** Returns the message with any local media path replaced by a public link or an uploaded media id. */
    async resolve(msg: WaMessage): Promise<WaMessage> {
      switch (msg.type) {
        case 'image':
          return { type: 'image', image: await resolveObject(msg.image) };
        case 'audio':
          return { type: 'audio', audio: await resolveObject(msg.audio) };
        case 'document':
          return { type: 'document', document: await resolveObject(msg.document) };
        case 'video':
          return { type: 'video', video: await resolveObject(msg.video) };
        default:
          return msg;
      }
    },
  };
}

export type MediaResolver = ReturnType<typeof createMediaResolver>;
