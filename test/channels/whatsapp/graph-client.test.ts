import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify, createGraphClient, GraphError } from '../../../src/channels/whatsapp/graph-client.ts';
import { type FakeGraph, startFakeGraph } from '../../helpers/fake-graph.ts';

let graph: FakeGraph;
beforeAll(async () => {
  graph = await startFakeGraph();
});
afterAll(async () => {
  await graph.close();
});

const client = (over: Partial<Parameters<typeof createGraphClient>[0]> = {}) =>
  createGraphClient({ baseUrl: graph.url, version: 'v23.0', token: graph.token, phoneNumberId: '106540352242922', ...over });

const caught = async (p: Promise<unknown>): Promise<GraphError> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof GraphError) return e;
    throw e;
  }
  throw new Error('expected a GraphError');
};

describe('Graph API client', () => {
  it('sends to /<version>/<phone number id>/messages with the token and returns the wamid', async () => {
    const id = await client({ baseUrl: `${graph.url}/` }).send('15555550101', { type: 'text', text: { body: 'مرحبا' } });
    expect(id).toMatch(/^wamid\./);
    const last = graph.sent.at(-1);
    expect(last).toMatchObject({
      to: '15555550101',
      type: 'text',
      version: 'v23.0',
      phoneNumberId: '106540352242922',
      body: { type: 'text', text: { body: 'مرحبا' } },
    });
  });

  it('uses an injected fetch', async () => {
    const urls: string[] = [];
    const f: typeof fetch = async (input, init) => {
      urls.push(String(input));
      return fetch(input, init);
    };
    await client({ fetch: f, version: 'v24.0' }).send('15555550101', { type: 'text', text: { body: 'x' } });
    expect(urls).toEqual([`${graph.url}/v24.0/106540352242922/messages`]);
  });

  it('reports platform errors with their code and retry class', async () => {
    graph.failNext(130429);
    expect(await caught(client().send('1', { type: 'text', text: { body: 'x' } }))).toMatchObject({ code: 130429, retry: 'rate', status: 400 });
    graph.failNext(131056);
    expect((await caught(client().send('1', { type: 'text', text: { body: 'x' } }))).retry).toBe('rate');
    graph.failNext(131047);
    expect((await caught(client().send('1', { type: 'text', text: { body: 'x' } }))).retry).toBe('window');
    graph.failNext(131026);
    expect((await caught(client().send('1', { type: 'text', text: { body: 'x' } }))).retry).toBe('permanent');
    graph.failNext(131000, 1, { status: 500 });
    expect((await caught(client().send('1', { type: 'text', text: { body: 'x' } }))).retry).toBe('transient');
    expect((await caught(client({ token: 'wrong-token-123' }).send('1', { type: 'text', text: { body: 'x' } }))).code).toBe(190);
  });

  it('a network failure is transient', async () => {
    const e = await caught(client({ baseUrl: 'http://127.0.0.1:9' }).send('1', { type: 'text', text: { body: 'x' } }));
    expect(e).toMatchObject({ status: 0, retry: 'transient' });
  });

  it('classifies HTTP 429 as a rate limit', () => {
    expect(classify(429, null)).toBe('rate');
    expect(classify(400, 100)).toBe('permanent');
  });

  it('uploads media as multipart form data and returns the media id', async () => {
    const id = await client().uploadMedia(new Uint8Array([137, 80, 78, 71]), 'image/png', 'x.png');
    expect(id).toMatch(/^media-\d+$/);
    expect(graph.uploads.at(-1)?.contentType).toMatch(/^multipart\/form-data; boundary=/);
  });
});
