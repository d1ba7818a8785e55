import { randomBytes } from 'node:crypto';
import type { ConnectorTraits } from '../../src/connectors/capabilities';
import { ROOT, type Connector } from '../../src/connectors/connector';

export interface KnownFailure {
  /** The case's exact title. */
  test: string;
  reason: string;
}

export interface ConformanceOptions {
  /** Features and optional methods of the connector kind (registry entry's `traits`); optional groups skip on these. */
  traits: ConnectorTraits;
  /** Cases expected to fail on this connector; they run as `test.failing`, so a fix shows up. */
  knownFailures?: KnownFailure[];
  /** Builds a connector with rejected credentials; the credentials case is skipped without it. */
  makeBadConnector?: () => Promise<Connector>;
  /** Per-case timeout; defaults to 60 s. */
  timeoutMs?: number;
}

/** What every case file gets: the connector, a fresh folder per case, and `it` with skip/known-failure handling. */
export interface SuiteContext {
  readonly opts: ConformanceOptions;
  readonly traits: ConnectorTraits;
  connector(): Connector;
  /** Creates an empty folder for one case, below the suite's own folder, and returns its path (see helpers' `at`). */
  folder(): Promise<string>;
  /** The suite's own folder (a child of the root). */
  base(): string;
  /** Declares a case; `when: false` skips it (the skip reason goes in the title). */
  it(title: string, fn: () => Promise<void>, options?: { when?: boolean; skipReason?: string }): void;
}

export function makeContext(
  name: string,
  getConnector: () => Connector,
  getBase: () => string,
  opts: ConformanceOptions,
): SuiteContext {
  const known = new Map((opts.knownFailures ?? []).map((k) => [k.test, k.reason]));
  const used = new Set<string>();
  let counter = 0;
  const timeout = opts.timeoutMs ?? 60_000;
  const ctx: SuiteContext = {
    opts,
    traits: opts.traits,
    connector: getConnector,
    base: getBase,
    async folder() {
      counter += 1;
      const name = `case-${counter}`;
      const base = await getConnector().lookup(ROOT, getBase());
      if (!base) throw new Error('the suite folder is gone');
      await getConnector().mkdir(base.locator, name);
      return `${getBase()}/${name}`;
    },
    it(title, fn, options = {}) {
      used.add(title);
      if (options.when === false) {
        test.skip(`${title} (skipped: ${options.skipReason ?? 'not supported'})`, fn);
        return;
      }
      const reason = known.get(title);
      if (reason !== undefined) {
        // A known failure may be a hang: give it less time.
        test.failing(`${title} [known failure on ${name}: ${reason}]`, fn, Math.min(timeout, 15_000));
        return;
      }
      test(title, fn, timeout);
    },
  };
  afterAll(() => {
    const stale = [...known.keys()].filter((t) => !used.has(t));
    if (stale.length) throw new Error(`knownFailures name cases that do not exist: ${stale.join(', ')}`);
  });
  return ctx;
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}
