/**
 * A small typed client for the WhatsApp Cloud API (Graph API): send a message, upload media.
 * Base URL and API version are configurable and `fetch` is injectable, so tests talk to a fake on 127.0.0.1.
 * Errors come back as `GraphError` with the platform code and a retry class.
 * @see https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages
 * @see https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media#upload-media
 * @see https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes
 */
import type { WaMessage } from './types.ts';

/** Throughput (130429), pair rate (131056) and account (80007) limits: back off and retry. */
export const RATE_LIMIT_CODES = new Set([130429, 131056, 80007]);
/** More than 24 hours since the user last wrote: only a template may be sent. */
export const OUTSIDE_WINDOW_CODE = 131047;
/** Temporary platform problems worth retrying. */
const TRANSIENT_CODES = new Set([1, 2, 131000, 131016, 133004]);

export type RetryClass = 'rate' | 'window' | 'transient' | 'permanent';

export class GraphError extends Error {
  readonly status: number;
  readonly code: number | null;
  readonly retry: RetryClass;
  constructor(status: number, code: number | null, message: string) {
    super(message);
    this.name = 'GraphError';
    this.status = status;
    this.code = code;
    this.retry = classify(status, code);
  }
}

export function classify(status: number, code: number | null): RetryClass {
  if (code !== null && RATE_LIMIT_CODES.has(code)) return 'rate';
  if (status === 429) return 'rate';
  if (code === OUTSIDE_WINDOW_CODE) return 'window';
  if (status === 0 || status >= 500 || (code !== null && TRANSIENT_CODES.has(code))) return 'transient';
  return 'permanent';
}

export interface GraphClientDeps {
  baseUrl: string;
  version: string;
  token: string;
  phoneNumberId: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface GraphClient {
  /** Sends one message; returns its wamid. */
  send(to: string, message: WaMessage): Promise<string>;
  /** Uploads a media file; returns the media id to send it by. */
  uploadMedia(data: Uint8Array<ArrayBuffer>, mime: string, filename: string): Promise<string>;
}

export function createGraphClient(deps: GraphClientDeps): GraphClient {
  const doFetch = deps.fetch ?? fetch;
  const root = `${deps.baseUrl.replace(/\/+$/, '')}/${deps.version}/${deps.phoneNumberId}`;
  const auth = { authorization: `Bearer ${deps.token}` };

  async function call(path: string, init: RequestInit): Promise<Record<string, unknown>> {
    let res: Response;
    try {
      res = await doFetch(`${root}/${path}`, { ...init, signal: AbortSignal.timeout(deps.timeoutMs ?? 15_000) });
    } catch (e) {
      throw new GraphError(0, null, `network: ${(e as Error).name}`);
    }
    let json: Record<string, unknown> = {};
    try {
      json = (await res.json()) as Record<string, unknown>;
    } catch {
      // An empty or non-JSON answer is judged by its status alone.
    }
    const err = json.error as { code?: unknown; message?: unknown } | undefined;
    if (!res.ok || err) {
      const code = typeof err?.code === 'number' ? err.code : null;
      throw new GraphError(res.status, code, typeof err?.message === 'string' ? err.message.slice(0, 200) : `http ${res.status}`);
    }
    return json;
  }

  return {
    async send(to, message) {
      const body = { messaging_product: 'whatsapp', recipient_type: 'individual', to, ...message };
      const json = await call('messages', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const id = (json.messages as { id?: unknown }[] | undefined)?.[0]?.id;
      if (typeof id !== 'string') throw new GraphError(200, null, 'no message id in response');
      return id;
    },
    async uploadMedia(data, mime, filename) {
      const form = new FormData();
      form.append('messaging_product', 'whatsapp');
      form.append('type', mime);
      form.append('file', new Blob([data], { type: mime }), filename);
      const json = await call('media', { method: 'POST', headers: auth, body: form });
      if (typeof json.id !== 'string') throw new GraphError(200, null, 'no media id in response');
      return json.id;
    },
  };
}
