import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { handleRpc, LOGGER, TaskCancel, TaskCreate, TaskGet, TaskList } from '@app/common';
import { TaskService } from './task.service';

@Controller()
export class TaskController {
  constructor(private readonly tasks: TaskService, @Inject(LOGGER) private readonly logger: Logger) {}

  @MessagePattern(TaskCreate.topic)
  create(@Payload() payload: unknown) {
    return handleRpc(TaskCreate, payload, this.logger, (data, meta) => this.tasks.create(meta, data));
  }

  @MessagePattern(TaskGet.topic)
  get(@Payload() payload: unknown) {
    return handleRpc(TaskGet, payload, this.logger, (data, meta) => this.tasks.get(meta, data.taskId));
  }

  @MessagePattern(TaskList.topic)
  list(@Payload() payload: unknown) {
    return handleRpc(TaskList, payload, this.logger, (data, meta) => this.tasks.list(meta, data.page, data.pageSize, data.status));
  }

  @MessagePattern(TaskCancel.topic)
  cancel(@Payload() payload: unknown) {
    return handleRpc(TaskCancel, payload, this.logger, (data, meta) => this.tasks.cancel(meta, data.taskId));
  }
}
