import { AuthError, InvalidParametersError, NotFoundError } from '@app/common';
import { ROOT } from '../../src/connectors/connector';
import { bodyOf, expectError, goneLocator, loc, writeText } from './helpers';
import type { SuiteContext } from './suite';

export function errorCases(ctx: SuiteContext): void {
  describe('errors', () => {
    ctx.it('stat of a missing object is a NotFoundError', async () => {
      const c = ctx.connector();
      await expectError(c.stat(await goneLocator(c, await ctx.folder())), NotFoundError);
    });

    ctx.it('read of a missing file is a NotFoundError', async () => {
      const c = ctx.connector();
      await expectError(c.read(await goneLocator(c, await ctx.folder())), NotFoundError);
    });

    ctx.it('read of a folder is a NotFoundError (downloads rely on read alone)', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await expectError(c.read(await loc(c, dir)), NotFoundError);
    });

    ctx.it('list of a missing folder is a NotFoundError', async () => {
      const c = ctx.connector();
      await expectError(c.list(await goneLocator(c, await ctx.folder(), 'folder'), { pageSize: 10 }), NotFoundError);
    });

    ctx.it('list of a file is a NotFoundError', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const file = await writeText(c, `${dir}/file.txt`, 'x');
      await expectError(c.list(file.locator, { pageSize: 10 }), NotFoundError);
    });

    ctx.it('remove of a missing object is a NotFoundError', async () => {
      const c = ctx.connector();
      await expectError(c.remove(await goneLocator(c, await ctx.folder(), 'folder'), { recursive: true }), NotFoundError);
    });

    ctx.it(
      'refuses paths that could leave the root, and names that are not one segment',
      async () => {
        const c = ctx.connector();
        await expectError(c.stat('../outside'), InvalidParametersError);
        await expectError(c.list(`${ctx.base()}/../..`, { pageSize: 1 }), InvalidParametersError);
        await expectError(c.write('..', 'x', bodyOf('x'), { size: 1 }), InvalidParametersError);
        await expectError(c.write(ROOT, '../x', bodyOf('x'), { size: 1 }), InvalidParametersError);
        await expectError(c.mkdir(await loc(c, ctx.base()), 'a/b'), InvalidParametersError);
      },
      { when: ctx.traits.features.addressing === 'path', skipReason: 'locators are ids, not paths' },
    );

    ctx.it('accepts the good credentials', async () => {
      const c = ctx.connector();
      if (c.validateCredentials) await c.validateCredentials();
      else await c.list(ROOT, { pageSize: 1 });
    });

    ctx.it('refuses bad credentials with AuthError', async () => {
      const bad = await ctx.opts.makeBadConnector!();
      try {
        await expectError(bad.validateCredentials ? bad.validateCredentials() : bad.list(ROOT, { pageSize: 1 }), AuthError);
      } finally {
        await bad.close?.();
      }
    }, { when: ctx.opts.makeBadConnector !== undefined, skipReason: 'no bad-credentials fixture' });
  });
}
