import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import {
  AccountGet,
  AppError,
  CONFIG,
  InvalidParametersError,
  RPC_CLIENT,
  RpcClient,
  TaskCreate,
  TaskGet,
  type CopyFileTask,
  type UploadFromUrlTask,
  type MessageMeta,
  type PublicStorageObject,
  type PublicTask,
} from '@app/common';
import type { GatewayConfig } from '../gateway.config';

/** How often a synchronous call looks at its task. */
const POLL_MS = 200;

/**
 * Calls that run as transfer tasks. With `X-Kloudless-Async: true` the answer
 * is `202` and the Task at once; without it the gateway waits for the result
 * up to TASK_SYNC_WAIT_MS, then answers `202` with the Task (the client polls
 * GET …/tasks/{id}).
 */
@Injectable()
export class TransfersService {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient, @Inject(CONFIG) private readonly config: GatewayConfig) {}

  async copyFile(meta: MessageMeta, input: Omit<CopyFileTask, 'kind'>, async: boolean, res: Response): Promise<PublicStorageObject | PublicTask> {
    // The destination must be an account of this app: auth answers 404 for anything else.
    await this.rpc.call(AccountGet, { ...meta, accountId: input.destination.accountId }, { accountId: input.destination.accountId });
    const task = await this.rpc.call(TaskCreate, { ...meta, accountId: input.source.accountId }, { kind: 'copy_file', ...input });
    return this.answer(meta, task, async, res);
  }

  async uploadFromUrl(meta: MessageMeta, input: Omit<UploadFromUrlTask, 'kind'>, async: boolean, res: Response): Promise<PublicStorageObject | PublicTask> {
    const task = await this.rpc.call(TaskCreate, { ...meta, accountId: input.destination.accountId }, { kind: 'upload_from_url', ...input });
    return this.answer(meta, task, async, res);
  }

  private async answer(meta: MessageMeta, task: PublicTask, async: boolean, res: Response): Promise<PublicStorageObject | PublicTask> {
    const until = Date.now() + (async ? 0 : this.config.TASK_SYNC_WAIT_MS);
    let latest = task;
    while (Date.now() < until) {
      await sleep(POLL_MS);
      const view = await this.rpc.call(TaskGet, meta, { taskId: task.id });
      if (view.result) {
        res.status(201);
        return view.result;
      }
      if (view.error) throw AppError.fromPublic(view.error);
      latest = view.task;
    }
    res.status(202);
    return latest;
  }
}

/** The `account` of a copy body as a destination account id, or null when it is the path's own account. */
export function otherAccount(account: string | number | undefined, accountId: number): number | null {
  if (account === undefined || String(account) === String(accountId)) return null;
  if (account === 'upload_location') throw new AppError('not_implemented', 'Upload locations are not available yet.');
  if (!/^[1-9][0-9]{0,9}$/.test(String(account))) throw new InvalidParametersError(`account must be an account id, got "${String(account).slice(0, 32)}".`);
  return Number(account);
}

/** X-Kloudless-Async: true (any case). */
export function wantsAsync(header: string | undefined): boolean {
  return (header ?? '').toLowerCase() === 'true';
}
