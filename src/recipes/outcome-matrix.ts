/**
 * The seed study's table: one row per case (pack and assertion), one column per run (or
 * per plugin), ✓ passed and ❌ failed, and a last column that sums the row up: ✓ always
 * passed, ❌ always failed, ~ sometimes. Skipped cases show `–` and count as neither.
 */
import type { Outcome, RunResult } from '../run/index.js';
import { assertNever } from '../shared/index.js';

export type Cell = 'pass' | 'fail' | 'skip';

export interface MatrixRow {
  /** The suite's name: the recipe's id for a pack. */
  readonly recipe: string;
  readonly name: string;
  readonly cells: readonly Cell[];
}

export interface OutcomeMatrix {
  readonly columns: readonly string[];
  readonly rows: readonly MatrixRow[];
}

/** flaky and inconclusive are no pass: they fail the cell, as they fail a run. */
export function cellOf(outcome: Outcome): Cell {
  switch (outcome) {
    case 'pass':
      return 'pass';
    case 'skip':
      return 'skip';
    case 'fail':
    case 'flaky':
    case 'inconclusive':
      return 'fail';
    default:
      return assertNever(outcome);
  }
}

/** One column per result, rows in the order the first result lists its cases. */
export function matrixOf(results: readonly RunResult[], columns: readonly string[]): OutcomeMatrix {
  const rows = new Map<string, { recipe: string; name: string; cells: Cell[] }>();
  results.forEach((result, column) => {
    for (const suite of result.suites) {
      for (const { assertion, outcome } of suite.assertions) {
        const key = `${suite.suite.name}\n${assertion.name}`;
        const row = rows.get(key) ?? { recipe: suite.suite.name, name: assertion.name, cells: [] };
        row.cells[column] = cellOf(outcome);
        rows.set(key, row);
      }
    }
  });
  const filled = [...rows.values()].map((row) => ({
    ...row,
    cells: columns.map((_, index) => row.cells[index] ?? 'skip'),
  }));
  return { columns, rows: filled };
}

/** ✓ every run passed, ❌ none did, ~ some did; – when the case never ran. */
export function summaryOf(cells: readonly Cell[]): '✓' | '❌' | '~' | '–' {
  const ran = cells.filter((cell) => cell !== 'skip');
  if (ran.length === 0) return '–';
  if (ran.every((cell) => cell === 'pass')) return '✓';
  if (ran.every((cell) => cell === 'fail')) return '❌';
  return '~';
}

/** Every case that ran passed every time. */
export function allPassed(matrix: OutcomeMatrix): boolean {
  return matrix.rows.every((row) => row.cells.every((cell) => cell !== 'fail'));
}

const SYMBOL: Readonly<Record<Cell, string>> = { pass: '✓', fail: '❌', skip: '–' };

/** A Markdown table, readable in a terminal and in a README; the recipe is named once per group. */
export function renderMatrix(
  matrix: OutcomeMatrix,
  options: { summary: boolean; summaryTitle?: string },
): string {
  const header = [
    'recipe',
    'case',
    ...matrix.columns,
    ...(options.summary ? [options.summaryTitle ?? 'result'] : []),
  ];
  const lines = [row(header), row(header.map(() => '---'))];
  let previous: string | undefined;
  for (const { recipe, name, cells } of matrix.rows) {
    const symbols = cells.map((cell) => SYMBOL[cell]);
    lines.push(
      row([
        recipe === previous ? '' : recipe,
        escape(name),
        ...symbols,
        ...(options.summary ? [summaryOf(cells)] : []),
      ]),
    );
    previous = recipe;
  }
  return `${lines.join('\n')}\n`;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|');
}
