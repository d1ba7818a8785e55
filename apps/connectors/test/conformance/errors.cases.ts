import { AuthError, InvalidParametersError, NotFoundError } from '@app/common';
import { expectError, writeText } from './helpers';
import type { SuiteContext } from './suite';

export function errorCases(ctx: SuiteContext): void {
  describe('errors', () => {
    ctx.it('stat of a missing path is a NotFoundError', async () => {
      const dir = await ctx.folder();
      await expectError(ctx.connector().stat(`${dir}/missing.txt`), NotFoundError);
    });

    ctx.it('read of a missing file is a NotFoundError', async () => {
      const dir = await ctx.folder();
      await expectError(ctx.connector().read(`${dir}/missing.txt`), NotFoundError);
    });

    ctx.it('list of a missing folder is a NotFoundError', async () => {
      const dir = await ctx.folder();
      await expectError(ctx.connector().list(`${dir}/missing`, { pageSize: 10 }), NotFoundError);
    });

    ctx.it('list of a file is a NotFoundError', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await writeText(c, `${dir}/file.txt`, 'x');
      await expectError(c.list(`${dir}/file.txt`, { pageSize: 10 }), NotFoundError);
    });

    ctx.it('remove of a missing path is a NotFoundError', async () => {
      const dir = await ctx.folder();
      await expectError(ctx.connector().remove(`${dir}/missing`, { recursive: true }), NotFoundError);
    });

    ctx.it('refuses paths that could leave the root', async () => {
      const c = ctx.connector();
      await expectError(c.stat('../outside'), InvalidParametersError);
      await expectError(c.list(`${ctx.base()}/../..`, { pageSize: 1 }), InvalidParametersError);
      await expectError(writeText(c, '/etc/passwd', 'x'), InvalidParametersError);
    });

    ctx.it('accepts the good credentials', async () => {
      const c = ctx.connector();
      if (c.validateCredentials) await c.validateCredentials();
      else await c.list('', { pageSize: 1 });
    });

    ctx.it('refuses bad credentials with AuthError', async () => {
      const bad = await ctx.opts.makeBadConnector!();
      try {
        await expectError(bad.validateCredentials ? bad.validateCredentials() : bad.list('', { pageSize: 1 }), AuthError);
      } finally {
        await bad.close?.();
      }
    }, { when: ctx.opts.makeBadConnector !== undefined, skipReason: 'no bad-credentials fixture' });
  });
}
