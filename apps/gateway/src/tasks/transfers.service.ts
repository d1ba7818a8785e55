import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  AccountGet,
  AppError,
  CONFIG,
  ForbiddenError,
  InvalidParametersError,
  RPC_CLIENT,
  RpcClient,
  TaskCreate,
  TaskGet,
  UploadLocationResolve,
  type CopyFileTask,
  type CopyFolderTask,
  type DeleteFolderTask,
  type UploadFromUrlTask,
  type MessageMeta,
  type PublicStorageObject,
  type PublicTask,
  type TaskView,
} from '@app/common';
import type { GatewayConfig } from '../gateway.config';
import type { CopyBody } from '../storage/storage-bodies';

/** What a call that runs as a task answers: its result once done (a File, Folder or deletion), else the Task. */
type TaskOutcome = NonNullable<TaskView['result']> | PublicTask;

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

  /**
   * Where a copy goes: null for the path's own account (the service's own
   * copy); else the account and folder of a transfer. `upload_location` is the
   * app's location in `drop_account` (with `parent_id` as its folder) or its
   * default. A Bearer token reaches its own account only, so it may copy into
   * an upload location (the File Picker's flow) but not name another account.
   */
  async destinationOf(meta: MessageMeta, body: CopyBody, accountId: number, bearer: boolean): Promise<{ accountId: number; parentId: string } | null> {
    if (body.account === 'upload_location') {
      const drop = body.drop_account === undefined ? undefined : accountNumber(body.drop_account, 'drop_account');
      const location = await this.rpc.call(UploadLocationResolve, meta, { accountId: drop, folderId: drop === undefined ? undefined : body.parent_id });
      return { accountId: location.account_id, parentId: location.folder_id };
    }
    if (body.account === undefined || String(body.account) === String(accountId)) return null;
    const other = accountNumber(body.account, 'account');
    if (bearer) throw new ForbiddenError(`This Bearer token is for account ${accountId}; it cannot copy into account ${other}.`);
    return { accountId: other, parentId: body.parent_id! };
  }

  /**
   * POST …/{files,folders}/{id}/copy into another account or an upload
   * location: a copy_file or copy_folder task (sync, or 202 + Task with
   * X-Kloudless-Async or the picker's `return_type=task`). Null when the copy
   * stays in the path's account (the caller asks the service to copy).
   */
  async copyAcross(
    meta: MessageMeta,
    copy: { kind: 'file' | 'folder'; accountId: number; id: string; body: CopyBody; rawData: boolean },
    req: Request,
    res: Response,
  ): Promise<TaskOutcome | null> {
    const destination = await this.destinationOf(meta, copy.body, copy.accountId, req.caller?.accountId !== undefined);
    if (destination === null) return null;
    // The destination must be an account of this app: auth answers 404 for anything else.
    await this.rpc.call(AccountGet, { ...meta, accountId: destination.accountId }, { accountId: destination.accountId });
    const to = { ...destination, name: copy.body.name };
    const params: CopyFileTask | CopyFolderTask = copy.kind === 'file'
      ? { kind: 'copy_file', source: { accountId: copy.accountId, fileId: copy.id }, destination: to, rawData: copy.rawData, tags: copy.body.tags }
      : { kind: 'copy_folder', source: { accountId: copy.accountId, folderId: copy.id }, destination: to, rawData: copy.rawData };
    const task = await this.rpc.call(TaskCreate, { ...meta, accountId: copy.accountId }, params);
    return this.answer(meta, task, wantsTask(req), res);
  }

  /** DELETE …/folders/{id}?recursive=true with X-Kloudless-Async: a delete_folder task, answered 202 with the Task. */
  async deleteFolder(meta: MessageMeta, input: Omit<DeleteFolderTask, 'kind'>, res: Response): Promise<TaskOutcome> {
    const task = await this.rpc.call(TaskCreate, { ...meta, accountId: input.source.accountId }, { kind: 'delete_folder', ...input });
    return this.answer(meta, task, true, res);
  }

  async uploadFromUrl(meta: MessageMeta, input: Omit<UploadFromUrlTask, 'kind'>, async: boolean, res: Response): Promise<TaskOutcome> {
    const task = await this.rpc.call(TaskCreate, { ...meta, accountId: input.destination.accountId }, { kind: 'upload_from_url', ...input });
    return this.answer(meta, task, async, res);
  }

  private async answer(meta: MessageMeta, task: PublicTask, async: boolean, res: Response): Promise<TaskOutcome> {
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

/** X-Kloudless-Async: true, or the File Picker's `?return_type=task`. */
export function wantsTask(req: Request): boolean {
  return wantsAsync(req.header('x-kloudless-async')) || req.query.return_type === 'task';
}

function accountNumber(value: string | number, field: string): number {
  if (!/^[1-9][0-9]{0,9}$/.test(String(value)) || Number(value) > 2 ** 31 - 1) throw new InvalidParametersError(`${field} must be an account id, got "${String(value).slice(0, 32)}".`);
  return Number(value);
}

/** X-Kloudless-Async: true (any case). */
export function wantsAsync(header: string | undefined): boolean {
  return (header ?? '').toLowerCase() === 'true';
}
