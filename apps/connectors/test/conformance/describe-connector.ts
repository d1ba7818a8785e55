import { ROOT, type Connector } from '../../src/connectors/connector';
import { chunkedCases } from './chunked.cases';
import { copyMoveCases } from './copy-move.cases';
import { errorCases } from './errors.cases';
import { listingCases } from './listing.cases';
import { nameCases } from './names.cases';
import { rangeCases } from './ranges.cases';
import { readWriteCases } from './read-write.cases';
import { makeContext, uniqueName, type ConformanceOptions } from './suite';

export type { ConformanceOptions, KnownFailure } from './suite';

/**
 * The conformance suite every connector runs (rclone's fstests): same cases
 * for all, optional groups skipped by features/has(), quirks as data.
 * Everything happens below one fresh folder at the root, removed at the end.
 */
export function describeConnector(name: string, makeConnector: () => Promise<Connector>, opts: ConformanceOptions): void {
  describe(`${name} connector conformance`, () => {
    let connector: Connector | undefined;
    const base = uniqueName('conformance');

    beforeAll(async () => {
      connector = await makeConnector();
      await connector.mkdir(ROOT, base);
    }, 60_000);

    afterAll(async () => {
      if (!connector) return;
      try {
        const folder = await connector.lookup(ROOT, base);
        if (folder) await connector.remove(folder.locator, { recursive: true });
      } finally {
        await connector.close?.();
      }
    }, 60_000);

    const ctx = makeContext(
      name,
      () => {
        if (!connector) throw new Error('the connector was not created (see beforeAll)');
        return connector;
      },
      () => base,
      opts,
    );

    listingCases(ctx);
    readWriteCases(ctx);
    rangeCases(ctx);
    copyMoveCases(ctx);
    chunkedCases(ctx);
    nameCases(ctx);
    errorCases(ctx);
  });
}
