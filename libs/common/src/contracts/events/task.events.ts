import { TOPICS } from '../topics';

export const TASK_STARTED = TOPICS.events.taskStarted;
export const TASK_PROGRESS = TOPICS.events.taskProgress;
export const TASK_COMPLETED = TOPICS.events.taskCompleted;
export const TASK_FAILED = TOPICS.events.taskFailed;

/** The part of a task a webhook receiver needs (the full object is at GET /v1/accounts/{account}/tasks/{id}). */
export interface TaskRef {
  id: string;
  account: number;
  /** `copy`, `upload_from_url`, `copy_to_upload_location`… */
  kind: string;
  /** Kloudless task status: PENDING, RECEIVED, STARTED, SUCCESS, FAILURE. */
  status: string;
  created?: string;
  modified?: string;
}

export interface TaskStartedData {
  task: TaskRef;
}

/** Throttled (TASK_PROGRESS_EVENT_MS): bytes moved so far; `bytes_total` is null when the size is unknown (a URL without Content-Length). */
export interface TaskProgressData {
  task: TaskRef;
  bytes_done: number;
  bytes_total: number | null;
  percent_completed: number | null;
}

export interface TaskCompletedData {
  task: TaskRef;
  /** What the task produced, e.g. the file it wrote (same shape as the storage API's file object). */
  result?: Record<string, unknown>;
}

export interface TaskFailedData {
  task: TaskRef;
  /** The public error shape of why it failed. */
  error: { error_code: string; message: string; status_code?: number };
}
