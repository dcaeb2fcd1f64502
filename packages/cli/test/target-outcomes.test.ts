import { describe, expect, it, vi } from 'vitest';
import type { StatusReport, TargetOutcome, UndeployResult } from '@tomcat-pd/core';
import { renderStatus, statusDocument } from '../src/render/status.js';
import { renderUndeploy, undeployDocument } from '../src/render/undeploy.js';
import { errorsDocument, joinBlocks, reportOutcomes, type MergedReport } from '../src/target-outcomes.js';
import type { CliContext } from '../src/context.js';
import { fakeContext } from './helpers/fake-context.js';
import {
  authError,
  connectError,
  statusEmpty,
  statusWeb1,
  tomcatFailError,
  undeployResult,
} from './helpers/reports.js';

const lines = (...rows: string[]) => rows.join('\n');

const AUTH_MESSAGE =
  "Tomcat rejected the credentials of user 'deployer' (HTTP 401) at http://web2:8080/manager.";
const CONNECT_MESSAGE =
  'Cannot reach the Manager at http://web3:8080/manager (list): connection refused (is Tomcat running, and is the host and port right?).';

/** status's merged report, as its `run` builds it. */
function statusReport(context: CliContext, path?: string): MergedReport<StatusReport> {
  return {
    document: statusDocument,
    render: (reports, several) => renderStatus(reports, several, context.output.colors, path),
  };
}

/** Calls reportOutcomes and returns what it threw (undefined if nothing) and what it returned. */
function settle<T>(context: CliContext, outcomes: TargetOutcome<T>[], report: MergedReport<T>) {
  try {
    return { values: reportOutcomes(context, outcomes, report), thrown: undefined };
  } catch (error) {
    return { values: undefined, thrown: error };
  }
}

/** web1 answered; web2 rejected the credentials (the first error); web3 cannot be reached. */
function threeTargets() {
  const first = authError('web2');
  const outcomes: TargetOutcome<StatusReport>[] = [
    { target: 'web1', ok: true, value: statusWeb1() },
    { target: 'web2', ok: false, error: first },
    { target: 'web3', ok: false, error: connectError('web3') },
  ];
  return { outcomes, first };
}

describe('reportOutcomes in text mode', () => {
  it('several targets: the report of those that answered, a line per failed one, then the first error is thrown', () => {
    const { context, stdout, stderr } = fakeContext();
    const { outcomes, first } = threeTargets();
    const { values, thrown } = settle(context, outcomes, statusReport(context));
    expect(thrown).toBe(first);
    expect(values).toBeUndefined();
    expect(stdout.text).toBe(
      lines(
        'TARGET  APP    VERSION        STATE    SESSIONS  ROLE',
        'web1    /      (unversioned)  running  4         live',
        'web1    /shop  002            stopped  0         stopped',
        'web1    /shop  003            running  2         draining',
        'web1    /shop  004            running  12        live',
        '',
        `web2: failed (E_AUTH): ${AUTH_MESSAGE}`,
        `web3: cannot be reached: ${CONNECT_MESSAGE}`,
      ) + '\n',
    );
    expect(stdout.chunks).toHaveLength(1);
    // The error itself is printed by whoever catches it, not here.
    expect(stderr.text).toBe('');
  });

  it('several targets, none answered: only the error lines, in the order of the targets', () => {
    const { context, stdout } = fakeContext();
    const first = connectError('web1');
    const { thrown } = settle<StatusReport>(
      context,
      [
        { target: 'web1', ok: false, error: first },
        { target: 'web4', ok: false, error: tomcatFailError() },
      ],
      statusReport(context),
    );
    expect(thrown).toBe(first);
    expect(stdout.text).toBe(
      lines(
        'web1: cannot be reached: Cannot reach the Manager at http://web1:8080/manager (list): connection refused (is Tomcat running, and is the host and port right?).',
        'web4: failed (E_TOMCAT_FAIL): Tomcat refused undeploy: No context exists named [&#47;shop##003]',
      ) + '\n',
    );
  });

  it('several targets, all answered: the report, the values returned in order, nothing thrown', () => {
    const { context, stdout } = fakeContext();
    const report = {
      document: vi.fn(statusDocument),
      render: vi.fn((reports: StatusReport[], several: boolean) =>
        renderStatus(reports, several, context.output.colors, '/shop'),
      ),
    };
    const web1 = statusWeb1();
    const web3 = statusEmpty('web3');
    const { values, thrown } = settle(
      context,
      [
        { target: 'web1', ok: true, value: web1 },
        { target: 'web3', ok: true, value: web3 },
      ],
      report,
    );
    expect(thrown).toBeUndefined();
    expect(values).toEqual([web1, web3]);
    expect(values![0]).toBe(web1);
    expect(report.render).toHaveBeenCalledExactlyOnceWith([web1, web3], true);
    expect(report.document).toHaveBeenCalledExactlyOnceWith([web1, web3], []);
    expect(stdout.text).toBe(
      lines(
        'TARGET  APP    VERSION        STATE    SESSIONS  ROLE',
        'web1    /      (unversioned)  running  4         live',
        'web1    /shop  002            stopped  0         stopped',
        'web1    /shop  003            running  2         draining',
        'web1    /shop  004            running  12        live',
        '',
        'web3: no version of /shop is deployed.',
      ) + '\n',
    );
  });

  it('one target that answered: its own rendering, not several', () => {
    const { context, stdout } = fakeContext();
    const { values } = settle(
      context,
      [{ target: 'web1', ok: true, value: undeployResult('web1', true, 2) }],
      {
        document: (results: UndeployResult[], errors) => undeployDocument('/shop', '003', results, errors),
        render: renderUndeploy,
      },
    );
    expect(values).toEqual([undeployResult('web1', true, 2)]);
    expect(stdout.text).toBe('Undeployed /shop##003 from web1 (it was live; 2 sessions lost).\n');
  });

  it('one target that failed: nothing on stdout (its error says it all), and the error is thrown', () => {
    const { context, stdout, stderr } = fakeContext();
    const error = connectError('web1');
    const render = vi.fn((reports: StatusReport[], several: boolean) =>
      renderStatus(reports, several, context.output.colors, undefined),
    );
    const { thrown } = settle<StatusReport>(context, [{ target: 'web1', ok: false, error }], {
      document: statusDocument,
      render,
    });
    expect(thrown).toBe(error);
    expect(render).toHaveBeenCalledExactlyOnceWith([], false);
    expect(stdout.text).toBe('');
    expect(stderr.text).toBe('');
  });

  it('--quiet: nothing on stdout, the error still thrown', () => {
    const { context, stdout } = fakeContext({ quiet: true });
    const { outcomes, first } = threeTargets();
    const { thrown } = settle(context, outcomes, statusReport(context));
    expect(thrown).toBe(first);
    expect(stdout.text).toBe('');
  });
});

describe('reportOutcomes in JSON mode', () => {
  it('one document with the errors of the failed targets, no text rendered, then the first error thrown', async () => {
    const { context, stdout, stderr } = fakeContext({ json: true });
    const render = vi.fn(() => 'text for people');
    const { outcomes, first } = threeTargets();
    const { thrown } = settle(context, outcomes, { document: statusDocument, render });
    expect(thrown).toBe(first);
    expect(render).not.toHaveBeenCalled();
    expect(stdout.chunks).toHaveLength(1);
    const document = statusDocument(
      [statusWeb1()],
      [
        { target: 'web2', error: authError('web2') },
        { target: 'web3', error: connectError('web3') },
      ],
    );
    expect(stdout.text).toBe(`${JSON.stringify(document, null, 2)}\n`);
    await expect(stdout.text).toMatchFileSnapshot('__snapshots__/target-outcomes.status-two-failed.json');
    expect(stderr.text).toBe('');
  });

  it('one target that failed: still the document (apps empty, its error listed), then thrown', () => {
    const { context, stdout } = fakeContext({ json: true });
    const error = connectError('web3');
    const { thrown } = settle<StatusReport>(
      context,
      [{ target: 'web3', ok: false, error }],
      statusReport(context),
    );
    expect(thrown).toBe(error);
    expect(JSON.parse(stdout.text)).toEqual({
      apps: [],
      errors: [{ target: 'web3', error: { code: 'E_CONNECT', message: CONNECT_MESSAGE } }],
    });
  });

  it('every target answered: `errors: []`, the values returned', async () => {
    const { context, stdout } = fakeContext({ json: true });
    const { values, thrown } = settle(
      context,
      [
        { target: 'web1', ok: true, value: undeployResult('web1', false, 0) },
        { target: 'web2', ok: true, value: undeployResult('web2', false, 1) },
      ],
      {
        document: (results: UndeployResult[], errors) => undeployDocument('/shop', '003', results, errors),
        render: renderUndeploy,
      },
    );
    expect(thrown).toBeUndefined();
    expect(values).toHaveLength(2);
    await expect(stdout.text).toMatchFileSnapshot('__snapshots__/target-outcomes.undeploy-all-answered.json');
    expect(JSON.parse(stdout.text)).toMatchObject({ errors: [] });
  });
});

describe('errorsDocument', () => {
  it('keeps code, message and a hint if there is one; drops url, status and the error subclass fields', () => {
    expect(
      errorsDocument([
        { target: 'web2', error: authError('web2') },
        { target: 'web3', error: connectError('web3') },
        { target: 'web4', error: tomcatFailError() },
      ]),
    ).toEqual([
      {
        target: 'web2',
        error: { code: 'E_AUTH', message: AUTH_MESSAGE, hint: 'Check the user and password.' },
      },
      { target: 'web3', error: { code: 'E_CONNECT', message: CONNECT_MESSAGE } },
      {
        target: 'web4',
        error: {
          code: 'E_TOMCAT_FAIL',
          message: 'Tomcat refused undeploy: No context exists named [&#47;shop##003]',
        },
      },
    ]);
  });

  it('has no `hint` key at all without a hint; no error: an empty list', () => {
    const [entry] = errorsDocument([{ target: 'web3', error: connectError('web3') }]);
    expect(Object.keys(entry!.error)).toEqual(['code', 'message']);
    expect(errorsDocument([])).toEqual([]);
  });
});

describe('joinBlocks', () => {
  it('puts a blank line between the non-empty blocks', () => {
    expect(joinBlocks('a\nb', '', 'c', '')).toBe('a\nb\n\nc');
    expect(joinBlocks('only')).toBe('only');
  });

  it('is empty when every block is', () => {
    expect(joinBlocks()).toBe('');
    expect(joinBlocks('', '')).toBe('');
  });
});
