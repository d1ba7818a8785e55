import pino from 'pino';
import { z } from 'zod';
import { defineContract } from '../contracts/envelope';
import { ConflictError } from '../errors';
import { handleRpc } from './rpc-handler';

const logger = pino({ level: 'silent' });
const Echo = defineContract<{ n: number }>()('test.echo', z.object({ n: z.number().int() }));
const meta = { requestId: 'r1', appId: 'app1' };

describe('handleRpc', () => {
  it('replies ok with the handler result', async () => {
    const reply = await handleRpc(Echo, { meta, data: { n: 2 } }, logger, async (d) => ({ n: d.n * 2 }));
    expect(reply).toEqual({ ok: true, data: { n: 4 } });
  });

  it('refuses an invalid request before the handler runs, naming the field', async () => {
    const fn = jest.fn();
    const reply = await handleRpc(Echo, { meta, data: { n: 'x' } }, logger, fn);
    expect(fn).not.toHaveBeenCalled();
    expect(reply).toMatchObject({ ok: false, error: { error_code: 'invalid_parameters', status_code: 400, id: 'r1' } });
    expect(!reply.ok && reply.error.message).toContain('n:');
  });

  it('refuses a message without meta', async () => {
    const reply = await handleRpc(Echo, { data: { n: 1 } }, logger, async () => ({ n: 1 }));
    expect(reply).toMatchObject({ ok: false, error: { error_code: 'invalid_parameters' } });
  });

  it('drops a request whose caller has given up', async () => {
    const fn = jest.fn();
    const reply = await handleRpc(Echo, { meta: { ...meta, deadline: Date.now() - 1 }, data: { n: 1 } }, logger, fn);
    expect(fn).not.toHaveBeenCalled();
    expect(reply).toMatchObject({ ok: false, error: { error_code: 'gateway_timeout' } });
  });

  it('passes AppErrors through in the public shape', async () => {
    const reply = await handleRpc(Echo, { meta, data: { n: 1 } }, logger, async () => {
      throw new ConflictError('exists', 'abc');
    });
    expect(reply).toEqual({
      ok: false,
      error: { error_code: 'naming_conflict', status_code: 409, message: 'exists', id: 'r1', conflicting_resource_id: 'abc' },
    });
  });

  it('hides unexpected errors behind internal_error', async () => {
    const reply = await handleRpc(Echo, { meta, data: { n: 1 } }, logger, async () => {
      throw new Error('db password=secret leaked');
    });
    expect(reply).toMatchObject({ ok: false, error: { error_code: 'internal_error', status_code: 500 } });
    expect(JSON.stringify(reply)).not.toContain('secret');
  });
});
