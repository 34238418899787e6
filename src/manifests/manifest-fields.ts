/**
 * Typed reads of the plain JSON of one manifest object. A malformed field is reported
 * once, at its line in the file and with its path, and read as absent, so one bad field
 * does not hide the problems after it.
 */
import type { Protocol } from '../policy/index.js';
import { isIpAddress } from '../shared/index.js';
import { problemAt } from '../shared/index.js';
import type { SourceLocation } from '../shared/index.js';
import { formatFieldPath } from './manifest-object.js';
import type { FieldPath, ManifestError, ManifestErrorCode, ManifestObject } from './manifest-object.js';

export type JsonObject = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

export class FieldReader {
  constructor(
    private readonly manifest: ManifestObject,
    private readonly errors: ManifestError[],
  ) {}

  /** Where the object starts: the place for problems of the object as a whole. */
  get location(): SourceLocation {
    return this.manifest.location;
  }

  locate(path: FieldPath): SourceLocation {
    return this.manifest.locate?.(path) ?? this.manifest.location;
  }

  problem(code: ManifestErrorCode, path: FieldPath, message: string): undefined {
    const where = path.length === 0 ? '' : `${formatFieldPath(path)}: `;
    this.errors.push(problemAt(code, `${where}${message}`, this.locate(path), this.manifest.source));
    return undefined;
  }

  report(path: FieldPath, expected: string, value: unknown): undefined {
    return this.problem(
      'BAD_VALUE',
      path,
      `expected ${expected}, got ${JSON.stringify(value) ?? String(value)}`,
    );
  }

  object(value: unknown, path: FieldPath): JsonObject | undefined {
    if (isAbsent(value)) return undefined;
    return isRecord(value) ? value : this.report(path, 'a map', value);
  }

  list(value: unknown, path: FieldPath): readonly unknown[] {
    if (isAbsent(value)) return [];
    return Array.isArray(value) ? value : (this.report(path, 'a list', value) ?? []);
  }

  string(value: unknown, path: FieldPath): string | undefined {
    if (isAbsent(value)) return undefined;
    return typeof value === 'string' ? value : this.report(path, 'a string', value);
  }

  boolean(value: unknown, path: FieldPath): boolean | undefined {
    if (isAbsent(value)) return undefined;
    return typeof value === 'boolean' ? value : this.report(path, 'true or false', value);
  }

  count(value: unknown, path: FieldPath): number | undefined {
    if (isAbsent(value)) return undefined;
    return typeof value === 'number' && Number.isInteger(value) && value >= 0
      ? value
      : this.report(path, 'a whole number', value);
  }

  port(value: unknown, path: FieldPath): number | undefined {
    if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535) return value;
    return this.report(path, 'a port number from 1 to 65535', value);
  }

  /** A number, or the name of a container port (IntOrString). */
  portOrName(value: unknown, path: FieldPath): number | string | undefined {
    if (typeof value === 'string' && value !== '') return value;
    return this.port(value, path);
  }

  /** Kubernetes accepts the protocol names in capitals only; absent means TCP. */
  protocol(value: unknown, path: FieldPath): Protocol {
    if (isAbsent(value)) return 'TCP';
    const protocol = PROTOCOLS.find((name) => name === value);
    return protocol ?? this.report(path, 'TCP, UDP or SCTP', value) ?? 'TCP';
  }

  address(value: unknown, path: FieldPath): string | undefined {
    if (isAbsent(value) || value === '') return undefined;
    return typeof value === 'string' && isIpAddress(value)
      ? value
      : this.report(path, 'an IP address', value);
  }

  /** Labels, selectors and annotations: a map of strings (`version: 1` needs quotes, as kubectl says). */
  stringMap(value: unknown, path: FieldPath): Record<string, string> {
    const map = this.object(value, path);
    const strings: Record<string, string> = {};
    for (const [key, entry] of Object.entries(map ?? {})) {
      if (typeof entry === 'string') strings[key] = entry;
      else this.report([...path, key], 'a string (quote numbers and booleans)', entry);
    }
    return strings;
  }
}

/** The value at a path of maps, or undefined where a map is missing. */
export function valueAt(value: unknown, ...keys: readonly string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}
