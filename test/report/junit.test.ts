import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { createReporter } from '../../src/report/index.js';
import { ADMITTED_TEXT, DNS_FILE, NOT_ISOLATED_TEXT, passingRun, sampleRun, SHOP_FILE } from './fixtures.js';

interface XmlCase {
  '@_classname': string;
  '@_name': string;
  '@_file': string;
  '@_line': string;
  '@_time': string;
  failure?: { '@_message': string; '@_type': string; '#text': string };
  error?: { '@_message': string; '@_type': string; '#text': string };
  skipped?: string;
  'system-out'?: string;
}

interface XmlSuite {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  '@_errors': string;
  '@_skipped': string;
  '@_time': string;
  properties: { property: { '@_name': string; '@_value': string } };
  testcase: XmlCase[];
}

interface XmlReport {
  testsuites: { '@_tests': string; '@_failures': string; '@_errors': string; testsuite: XmlSuite[] };
}

function parseJunit(xml: string): XmlReport {
  const parser = new XMLParser({
    ignoreAttributes: false,
    parseAttributeValue: false,
    isArray: (name) => name === 'testsuite' || name === 'testcase',
  });
  return parser.parse(xml) as XmlReport;
}

const junit = createReporter('junit');

test('the report has one testsuite per suite file, with its counts', () => {
  const report = parseJunit(junit.render(sampleRun()));
  const root = report.testsuites;
  assert.deepEqual([root['@_tests'], root['@_failures'], root['@_errors']], ['6', '2', '1']);
  assert.deepEqual(
    root.testsuite.map((s) => [
      s['@_name'],
      s['@_tests'],
      s['@_failures'],
      s['@_errors'],
      s['@_skipped'],
      s['@_time'],
    ]),
    [
      ['shop', '5', '2', '1', '1', '0.25'],
      ['dns', '1', '0', '0', '0', '0.04'],
    ],
  );
  assert.deepEqual(
    root.testsuite.map((s) => s.properties.property),
    [
      { '@_name': 'file', '@_value': SHOP_FILE },
      { '@_name': 'file', '@_value': DNS_FILE },
    ],
  );
});

test('each assertion is a testcase named after it, classed by its suite, with file and line attributes', () => {
  const [shop] = parseJunit(junit.render(sampleRun())).testsuites.testsuite;
  assert.deepEqual(
    shop?.testcase.map((c) => [c['@_classname'], c['@_name'], c['@_file'], c['@_line'], c['@_time']]),
    [
      ['shop', 'from shop/* to shop/app=web:8080 expect allow', SHOP_FILE, '8', '0.012'],
      ['shop', 'db is closed to the shop', SHOP_FILE, '9', '0.012'],
      ['shop', 'from shop/* to shop/app=cache:6379 expect deny', SHOP_FILE, '10', '0.012'],
      ['shop', 'from shop/* to shop/app=queue:5672 expect deny', SHOP_FILE, '11', '0.012'],
      ['shop', 'metrics # later', SHOP_FILE, '12', '0.012'],
    ],
  );
});

test('a failure carries its message and the details of each failing pair', () => {
  const [shop] = parseJunit(junit.render(sampleRun())).testsuites.testsuite;
  const failure = shop?.testcase[1]?.failure;
  assert.equal(failure?.['@_message'], 'expected deny; 3 pairs: 2 failed, 1 held');
  assert.equal(failure?.['@_type'], 'fail');
  assert.equal(
    failure?.['#text'],
    [
      'suites/shop.yaml:9:5: expected deny; 3 pairs: 2 failed, 1 held',
      '  shop/web-1 (10.244.1.5) → shop/db-0 (10.244.2.9) 5432/TCP: connected (fail: connected, expected a deny)',
      ...ADMITTED_TEXT.map((line) => `    ${line}`),
      '  shop/web-2 (10.244.1.6) → shop/db-0 (10.244.2.9) 5432/TCP: connected (fail)',
      ...NOT_ISOLATED_TEXT.map((line) => `    ${line}`),
    ].join('\n'),
  );
});

test('flaky is a failure of type flaky, inconclusive an error, skip a skipped case with its reason', () => {
  const [shop] = parseJunit(junit.render(sampleRun())).testsuites.testsuite;
  const [pass, , flaky, inconclusive, skip] = shop?.testcase ?? [];
  assert.equal(pass?.failure, undefined);
  assert.equal(pass?.error, undefined);
  assert.equal(flaky?.failure?.['@_type'], 'flaky');
  assert.equal(inconclusive?.failure, undefined);
  assert.equal(inconclusive?.error?.['@_type'], 'inconclusive');
  assert.match(inconclusive?.error?.['#text'] ?? '', /the port is closed on a pod that is not ours/);
  assert.equal(skip?.skipped, '');
  assert.equal(skip?.['system-out'], 'skipped: metrics port not ready');
});

test('a passing run has no failure, error or skipped element', () => {
  const xml = junit.render(passingRun());
  assert.doesNotMatch(xml, /<failure|<error|<skipped/);
  assert.equal(parseJunit(xml).testsuites['@_tests'], '2');
});

test('each render starts from an empty report', () => {
  junit.render(sampleRun());
  const second = parseJunit(junit.render(passingRun()));
  assert.equal(second.testsuites.testsuite.length, 2);
  assert.equal(second.testsuites['@_tests'], '2');
});
