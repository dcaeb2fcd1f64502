import { describe, expect, it } from 'vitest';
import { fixture } from '@tomcat-pd/testkit/recorded';
import type { RawAnswer } from '../../src/manager/http-answer.js';
import { createSessionIdsReader } from '../../src/manager/session-ids.js';
import { tomcat9 } from '../helpers/recorded.js';

/** A transport that answers the JMX proxy's requests with recorded answers, in turn, and keeps the queries. */
function proxyAnswering(...answers: [number, string][]) {
  const queries: string[] = [];
  return {
    queries,
    readJmxProxy(query: string): Promise<RawAnswer> {
      queries.push(decodeURIComponent(query));
      const [status, body] = answers.shift()!;
      return Promise.resolve({ status, body, contentType: 'text/plain', location: undefined } as RawAnswer);
    },
  };
}

describe('createSessionIdsReader', () => {
  it('finds the MBean once: the next reads of that version ask for the ids alone, until it is gone', async () => {
    const transport = proxyAnswering(
      [200, fixture('jmxproxy-query-one.txt')],
      [200, fixture('jmxproxy-invoke-session-ids.txt')],
      [200, fixture('jmxproxy-invoke-no-session.txt')],
      [200, fixture('jmxproxy-invoke-not-found.txt')],
      [200, fixture('jmxproxy-query-none.txt')],
    );
    const read = createSessionIdsReader(transport);
    const ref = { path: '/shop', version: '001' };
    expect((await read(ref)).kind).toBe('ids');
    expect(await read(ref)).toEqual({ kind: 'ids', ids: [] });
    expect(await read(ref)).toEqual({ kind: 'unavailable', why: 'no-context' });
    expect(await read(ref)).toEqual({ kind: 'unavailable', why: 'no-context' });
    expect(transport.queries.map((query) => query.split('=')[0])).toEqual([
      'qry',
      'invoke',
      'invoke',
      'invoke',
      'qry',
    ]);
  });

  it('finds the session manager by a query on the context (any engine, any host), then lists its ids', async () => {
    const transport = proxyAnswering(
      [200, fixture('jmxproxy-query-one.txt')],
      [200, fixture('jmxproxy-invoke-session-ids.txt')],
    );
    const answer = await createSessionIdsReader(transport)({ path: '/shop', version: '001' });
    expect(answer.kind === 'ids' && answer.ids).toHaveLength(2);
    expect(transport.queries).toEqual([
      'qry=*:type=Manager,context=/shop##001,*',
      'invoke=Catalina:type=Manager,host=localhost,context=/shop##001&op=listSessionIds',
    ]);
  });

  it('names the versioned ROOT as Tomcat does (/##002)', async () => {
    const transport = proxyAnswering([200, fixture('jmxproxy-query-none.txt')]);
    await createSessionIdsReader(transport)({ path: '/', version: '002' });
    expect(transport.queries).toEqual(['qry=*:type=Manager,context=/##002,*']);
  });

  it('says why it cannot tell: no role (403), no proxy (404 on the 9.0 harness), no such context, or one on several hosts', async () => {
    const read = (...answers: [number, string][]) =>
      createSessionIdsReader(proxyAnswering(...answers))({ path: '/shop', version: '001' });
    expect(await read([403, fixture('http-403.html')])).toEqual({
      kind: 'unavailable',
      why: 'forbidden',
    });
    expect(await read([404, tomcat9('jmxproxy-absent.html')])).toEqual({
      kind: 'unavailable',
      why: 'no-proxy',
    });
    expect(await read([200, fixture('jmxproxy-query-none.txt')])).toEqual({
      kind: 'unavailable',
      why: 'no-context',
    });
    const one = fixture('jmxproxy-query-one.txt');
    const two =
      one.replace('Number of results: 1', 'Number of results: 2') +
      one.split('\n').slice(2).join('\n').replace('host=localhost', 'host=other');
    expect(await read([200, two])).toEqual({ kind: 'unavailable', why: 'ambiguous' });
    expect(await read([200, one], [200, fixture('jmxproxy-invoke-not-found.txt')])).toEqual({
      kind: 'unavailable',
      why: 'no-context',
    });
  });
});
