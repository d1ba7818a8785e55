import type { PublicTask, TaskStatus } from '@app/common';
import type { TaskEntity } from './task.entity';

/** The Task object of a row: progress as seed 002's `info` (time elapsed and remaining, percent), plus bytes. */
export function toPublicTask(row: TaskEntity, now = Date.now()): PublicTask {
  const done = Number(row.info?.bytes_done ?? 0);
  const total = row.info?.bytes_total === null || row.info?.bytes_total === undefined ? null : Number(row.info.bytes_total);
  let info: PublicTask['info'] = null;
  if (row.startedAt) {
    const end = row.finishedAt?.getTime() ?? now;
    const elapsed = Math.max(0, (end - row.startedAt.getTime()) / 1000);
    const ended = row.status === 'SUCCESS';
    const percent = ended ? 100 : total ? Math.min(100, Math.floor((done / total) * 100)) : null;
    const remaining = ended ? 0 : total && done > 0 ? Math.round((elapsed * (total - done)) / done) : null;
    info = { time_elapsed: Math.round(elapsed), time_remaining: remaining, percent_completed: percent, bytes_done: done, bytes_total: total };
  }
  return {
    id: row.id,
    status: row.status as TaskStatus,
    account: row.accountId,
    kind: row.kind,
    info,
    created: row.createdAt.toISOString(),
    modified: row.updatedAt.toISOString(),
    api: 'storage',
    type: 'task',
  };
}
