import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeText, renderJobSummary, renderNoReportSummary, toJsonReport } from '../../src/report/index.js';
import { passingRun, sampleRun } from './fixtures.js';

/** The rows of the failure table, split into cells (escaped pipes stay inside a cell). */
function tableRows(markdown: string): string[][] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith('| '))
    .slice(2)
    .map((line) =>
      line
        .slice(2, -2)
        .split(/(?<!\\) \| /)
        .map((cell) => cell.trim()),
    );
}

test('the headline gives the counts and the table lists each assertion that failed, was flaky or inconclusive', () => {
  const markdown = renderJobSummary(toJsonReport(sampleRun()));
  assert.match(
    markdown,
    /^## netpol-assert: ❌ 2 passed, 1 failed, 1 flaky, 1 inconclusive, 1 skipped of 6 assertions$/m,
  );
  assert.match(markdown, /^Real traffic against `kind-ci`, 1\.2 s\.$/m);
  assert.match(markdown, /^\| outcome \| assertion \| suite \| expected \| observed \| reason \|$/m);
  const rows = tableRows(markdown);
  assert.equal(rows.length, 3);
  assert.deepEqual(
    rows.map((cells) => [cells[0], cells[2], cells[3]]),
    [
      ['**fail**', '`suites/shop.yaml:9`', 'deny'],
      ['**flaky**', '`suites/shop.yaml:10`', 'deny'],
      ['**inconclusive**', '`suites/shop.yaml:11`', 'deny'],
    ],
  );
});

test('a failed row shows each pair that did not pass, what it saw, and the reasons', () => {
  const [failed] = tableRows(renderJobSummary(toJsonReport(sampleRun())));
  assert.ok(failed);
  assert.equal(failed[1], 'db is closed to the shop');
  assert.equal(
    failed[4],
    'shop/web-1 (10.244.1.5) → shop/db-0 (10.244.2.9) 5432/TCP: connected<br>' +
      'shop/web-2 (10.244.1.6) → shop/db-0 (10.244.2.9) 5432/TCP: connected',
  );
  assert.equal(failed[5], 'connected, expected a deny');
});

test('a passing run gets the headline and no table', () => {
  const markdown = renderJobSummary(toJsonReport(passingRun()));
  assert.match(markdown, /^## netpol-assert: ✅ every assertion held: 2 passed of 2$/m);
  assert.doesNotMatch(markdown, /\| outcome \|/);
});

test('locations link to their line when the blob URL is known and the path is in the repository', () => {
  const blobUrl = 'https://github.com/acme/shop/blob/0123abc/';
  const rows = tableRows(renderJobSummary(toJsonReport(sampleRun()), { blobUrl }));
  assert.equal(
    rows[0]?.[2],
    '[`suites/shop.yaml:9`](https://github.com/acme/shop/blob/0123abc/suites/shop.yaml#L9)',
  );
  const absolute = toJsonReport(sampleRun());
  const moved = {
    ...absolute,
    suites: absolute.suites.map((suite) => ({
      ...suite,
      assertions: suite.assertions.map((a) => ({
        ...a,
        location: { ...a.location, file: '/tmp/shop.yaml' },
      })),
    })),
  };
  assert.equal(tableRows(renderJobSummary(moved, { blobUrl }))[0]?.[2], '`/tmp/shop.yaml:9`');
});

test('rows and pairs past the limits are counted instead of shown', () => {
  const markdown = renderJobSummary(toJsonReport(sampleRun()), { maxRows: 2, maxPairs: 1 });
  const rows = tableRows(markdown);
  assert.equal(rows.length, 2);
  assert.match(rows[0]?.[4] ?? '', /<br>…and 1 more pair$/);
  assert.match(markdown, /^…and 1 more; the JSON and JUnit reports list every one\.$/m);
});

test('cell text cannot break the table or inject HTML', () => {
  assert.equal(escapeText('a|b <img src=x> *c*\nd'), 'a\\|b &lt;img src=x&gt; \\*c\\*<br>d');
  const report = toJsonReport(sampleRun());
  const hostile = {
    ...report,
    suites: report.suites.map((suite) => ({
      ...suite,
      assertions: suite.assertions.map((a) => ({ ...a, name: 'x | y\nz' })),
    })),
  };
  const rows = tableRows(renderJobSummary(hostile));
  assert.equal(rows.length, 3);
  for (const cells of rows) assert.equal(cells.length, 6);
  assert.equal(rows[0]?.[1], 'x \\| y<br>z');
});

test('a run without a report says what its exit code means', () => {
  assert.match(renderNoReportSummary(3), /^## netpol-assert: ❌ no report \(exit code 3\)$/m);
  assert.match(
    renderNoReportSummary(3),
    /The cluster or the agent could not be used; the step's log says why\./,
  );
  assert.match(renderNoReportSummary(2), /Bad input/);
  assert.match(renderNoReportSummary(77), /The run ended before it wrote its report/);
});
