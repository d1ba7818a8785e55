import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { TaskEntity, type TaskUpload } from './task.entity';

/** Every query is scoped to one app: an unscoped lookup does not type-check. */
export interface AppScope {
  appId: string;
}

@Injectable()
export class TaskRepository {
  constructor(@InjectRepository(TaskEntity) private readonly repo: Repository<TaskEntity>) {}

  insert(scope: AppScope, values: Pick<TaskEntity, 'id' | 'accountId' | 'kind' | 'params'>): Promise<TaskEntity> {
    return this.repo.save(this.repo.create({ ...values, appId: scope.appId, status: 'PENDING', info: null }));
  }

  findOne(scope: AppScope, id: string): Promise<TaskEntity | null> {
    return this.repo.findOneBy({ appId: scope.appId, id });
  }

  async page(scope: AppScope, page: number, pageSize: number, status?: string): Promise<{ rows: TaskEntity[]; total: number }> {
    const [rows, total] = await this.repo.findAndCount({
      where: { appId: scope.appId, ...(status ? { status } : {}) },
      order: { createdAt: 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { rows, total };
  }

  /** PENDING → STARTED, once: false when the task already started (a re-run after a crash) or ended. */
  async markStarted(scope: AppScope, id: string): Promise<boolean> {
    const res = await this.repo.update({ appId: scope.appId, id, status: 'PENDING' }, { status: 'STARTED', startedAt: new Date() });
    return (res.affected ?? 0) > 0;
  }

  async saveUpload(scope: AppScope, id: string, upload: TaskUpload): Promise<void> {
    await this.repo.update({ appId: scope.appId, id }, { upload } as QueryDeepPartialEntity<TaskEntity>);
  }

  async progress(scope: AppScope, id: string, info: Record<string, unknown>): Promise<void> {
    await this.repo.update({ appId: scope.appId, id, status: 'STARTED' }, { info } as QueryDeepPartialEntity<TaskEntity>);
  }

  /** Ends a task that has not ended yet; false when it already had. */
  async finish(scope: AppScope, id: string, outcome: { status: 'SUCCESS'; result: Record<string, unknown> } | { status: 'FAILURE'; error: Record<string, unknown> }): Promise<boolean> {
    const res = await this.repo
      .createQueryBuilder()
      .update(TaskEntity)
      .set({ ...outcome, finishedAt: () => 'now()' } as QueryDeepPartialEntity<TaskEntity>)
      .where('app_id = :appId AND id = :id AND status IN (:...open)', { appId: scope.appId, id, open: ['PENDING', 'STARTED'] })
      .execute();
    return (res.affected ?? 0) > 0;
  }

  async requestCancel(scope: AppScope, id: string): Promise<void> {
    await this.repo.update({ appId: scope.appId, id }, { cancelRequested: true });
  }

  async cancelRequested(scope: AppScope, id: string): Promise<boolean> {
    return (await this.repo.findOne({ where: { appId: scope.appId, id }, select: { cancelRequested: true } }))?.cancelRequested ?? false;
  }
}
