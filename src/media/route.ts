/**
 * `GET /media/<file>`: audio and images from `content/media/`, for the web chat's player and for channels that send
 * media by URL. Only names the content validator accepts, only the whitelisted types, never outside the folder
 * (symlinks included), with the right Content-Type and range requests (browsers seek in audio with them).
 */
import { realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import express, { type Router } from 'express';
import { mediaType, SAFE_MEDIA_NAME } from '../content/media-check.ts';

export function createMediaRouter(opts: { dir: string }): Router {
  const router = express.Router();
  const notFound = (res: express.Response) => void res.status(404).json({ error: 'not_found' });
  router.get('/media/*file', (req, res) => {
    const segments = (req.params as { file?: string[] }).file ?? [];
    const name = segments.join('/');
    const type = mediaType(name);
    if (!SAFE_MEDIA_NAME.test(name) || !type) return notFound(res);
    let real: string;
    try {
      real = realpathSync(join(opts.dir, name));
      if (!real.startsWith(realpathSync(opts.dir) + sep)) return notFound(res);
    } catch {
      return notFound(res);
    }
    res.type(type.mime);
    res.sendFile(real, { dotfiles: 'deny', maxAge: '1h', acceptRanges: true }, (err) => {
      if (err && !res.headersSent) notFound(res);
    });
  });
  return router;
}
