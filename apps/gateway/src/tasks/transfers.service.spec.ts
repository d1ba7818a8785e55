import { AppError, UploadLocationResolve, type RpcClient } from '@app/common';
import type { GatewayConfig } from '../gateway.config';
import { TransfersService } from './transfers.service';

describe('TransfersService.destinationOf', () => {
  const meta = { appId: 'app', requestId: 'r' };
  const calls: Array<{ topic: string; data: unknown }> = [];
  const rpc = {
    call: async (contract: { topic: string }, _meta: unknown, data: unknown) => {
      calls.push({ topic: contract.topic, data });
      return { account_id: 7, folder_id: 'Finbox' };
    },
  } as unknown as RpcClient;
  const service = new TransfersService(rpc, { TASK_SYNC_WAIT_MS: 0 } as GatewayConfig);

  beforeEach(() => (calls.length = 0));

  it('keeps a copy within the path account (no account, or the same id) on the service', async () => {
    await expect(service.destinationOf(meta, { parent_id: 'root' }, 3, false)).resolves.toBeNull();
    await expect(service.destinationOf(meta, { parent_id: 'root', account: '3' }, 3, true)).resolves.toBeNull();
  });

  it('sends another account of the app to a transfer with an API key, and refuses it to a Bearer token', async () => {
    await expect(service.destinationOf(meta, { parent_id: 'Fx', account: 4 }, 3, false)).resolves.toEqual({ accountId: 4, parentId: 'Fx' });
    const refused = service.destinationOf(meta, { parent_id: 'Fx', account: 4 }, 3, true);
    await expect(refused).rejects.toBeInstanceOf(AppError);
    await expect(refused).rejects.toMatchObject({ code: 'forbidden' });
    await expect(service.destinationOf(meta, { parent_id: 'Fx', account: '4; drop' }, 3, false)).rejects.toMatchObject({ code: 'invalid_parameters' });
  });

  it('resolves upload_location (also for a Bearer token): the default, or drop_account with parent_id as its folder', async () => {
    await expect(service.destinationOf(meta, { account: 'upload_location', parent_id: 'ignored' }, 3, true)).resolves.toEqual({ accountId: 7, parentId: 'Finbox' });
    expect(calls).toEqual([{ topic: UploadLocationResolve.topic, data: { accountId: undefined, folderId: undefined } }]);
    await service.destinationOf(meta, { account: 'upload_location', drop_account: '7', parent_id: 'Finbox' }, 3, false);
    expect(calls[1].data).toEqual({ accountId: 7, folderId: 'Finbox' });
  });
});
