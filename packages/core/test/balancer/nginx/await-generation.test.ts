import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { SpecOf } from '../../../src/balancer/balancer-options.js';
import { awaitGeneration, GenerationNotServedError } from '../../../src/balancer/nginx/await-generation.js';

let server: http.Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A stand-in for nginx's marker: `answer(n)` is the n-th answer's status and body. */
async function marker(
  answer: (n: number) => [number, string],
): Promise<{ spec: SpecOf<'nginx'>; asked: () => number }> {
  let asked = 0;
  server = http.createServer((request, response) => {
    expect(request.url).toBe('/tomcat-pd/generation');
    const [status, body] = answer(asked++);
    response.writeHead(status).end(body);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const spec: SpecOf<'nginx'> = {
    type: 'nginx',
    name: 'front',
    timeoutMs: 2_000,
    members: {},
    file: '/nowhere/tomcat-pd.conf',
    test: ['nginx', '-t'],
    reload: ['nginx', '-s', 'reload'],
    servers: { web1: '127.0.0.1:1' },
    url: `http://127.0.0.1:${port}`,
  };
  return { spec, asked: () => asked };
}

describe('awaitGeneration without /proc', () => {
  it('waits for a streak of fresh answers with the new generation, not the first one', async () => {
    // The old workers answer between new ones, as nginx's do for ~100 ms after a reload.
    const { spec, asked } = await marker((n) => [200, n < 6 && n % 2 === 1 ? 'g1 11\n' : 'g2 12\n']);
    const started = Date.now();
    expect(await awaitGeneration(spec, 'g2', undefined)).toBe('answer-streak');
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(asked()).toBeGreaterThan(6 + 5);
  });

  it('says when nginx never served the new generation', async () => {
    const { spec } = await marker(() => [200, 'g1 11\n']);
    const error = await awaitGeneration({ ...spec, timeoutMs: 200 }, 'g2', undefined).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GenerationNotServedError);
    expect(error).toMatchObject({
      code: 'E_BALANCER',
      newGenerationSeen: false,
      answer: 'old generation served',
    });
  });

  it('says when old answers keep coming after new ones', async () => {
    const { spec } = await marker((n) => [200, n % 2 === 0 ? 'g2\n' : 'g1\n']);
    await expect(awaitGeneration({ ...spec, timeoutMs: 300 }, 'g2', undefined)).rejects.toMatchObject({
      newGenerationSeen: true,
    });
  });

  it("names the location the user's server block lacks", async () => {
    const { spec } = await marker(() => [404, 'Not Found']);
    const error = await awaitGeneration(spec, 'g2', undefined).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_BALANCER', answer: 'HTTP 404 Not Found' });
    expect((error as { hint: string }).hint).toContain('location = /tomcat-pd/generation');
  });
});
