import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import type { PlannedPart } from './part-plan';
import { TaskPartEntity } from './task-part.entity';

/** Parts of one task. Only the worker running the task writes them (one Bull job per task). */
@Injectable()
export class TaskPartRepository {
  constructor(
    @InjectRepository(TaskPartEntity) private readonly repo: Repository<TaskPartEntity>,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  list(taskId: string): Promise<TaskPartEntity[]> {
    return this.repo.find({ where: { taskId }, order: { number: 'ASC' } });
  }

  async add(taskId: string, part: PlannedPart): Promise<void> {
    await this.repo.insert({ taskId, ...part, status: 'pending', attempts: 0 });
  }

  /** A stalled part becomes its two halves, in one transaction (a crash leaves one or the other). */
  async split(taskId: string, part: PlannedPart, halves: [PlannedPart, PlannedPart]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.delete(TaskPartEntity, { taskId, number: part.number });
      await tx.insert(TaskPartEntity, halves.map((h) => ({ taskId, ...h, status: 'pending' as const, attempts: 0 })));
    });
  }

  async attempted(taskId: string, number: number): Promise<void> {
    await this.repo.increment({ taskId, number }, 'attempts', 1);
  }

  async done(taskId: string, number: number, receipt: { etag?: string }, durationMs: number): Promise<void> {
    await this.repo.update({ taskId, number }, { status: 'done', receipt, durationMs, doneAt: new Date() });
  }
}
