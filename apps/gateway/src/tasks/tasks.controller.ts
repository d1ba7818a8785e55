import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { AppError, RPC_CLIENT, RpcClient, TASK_STATUSES, TaskCancel, TaskGet, TaskList, type MessageMeta } from '@app/common';
import { AccountId, Meta } from '../access/caller.decorator';
import { ZodPipe } from '../http/zod.pipe';

const taskId = z.string().uuid('task id must be a UUID');
const listQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(1000).default(100),
  status: z.enum(TASK_STATUSES).optional(),
});

/** The Task API (seed 002): one account's task with its result once done; the app's tasks; cancel. */
@Controller('v1')
export class TasksController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient) {}

  /** The Task while it runs; once done, the result itself (or the error, with its status); UNKNOWN after retention. */
  @Get('accounts/:accountId/tasks/:taskId')
  async get(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Param('taskId', new ZodPipe(taskId)) id: string) {
    const view = await this.rpc.call(TaskGet, { ...meta, accountId }, { taskId: id });
    if (view.result) return view.result;
    if (view.error) throw AppError.fromPublic(view.error);
    return view.task;
  }

  @Get('tasks')
  list(@Meta() meta: MessageMeta, @Query(new ZodPipe(listQuery)) query: z.output<typeof listQuery>) {
    return this.rpc.call(TaskList, meta, { page: query.page, pageSize: query.page_size, status: query.status });
  }

  @Post('tasks/:taskId/cancel')
  @HttpCode(200)
  cancel(@Meta() meta: MessageMeta, @Param('taskId', new ZodPipe(taskId)) id: string) {
    return this.rpc.call(TaskCancel, meta, { taskId: id });
  }
}
