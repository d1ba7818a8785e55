/** Public (Kloudless v1 wire) object shapes shared by the services that build them and the gateway. */

export interface ObjectList<T> {
  type: 'object_list';
  api: string;
  objects: T[];
  count: number;
  page: number;
  next_page: number | null;
  total?: number;
}

export interface PublicAccount {
  id: number;
  account: string;
  service: string;
  active: boolean;
  /** `needs_reauth`: the provider refused our refresh token; the user must connect the account again (same id). */
  status: 'active' | 'needs_reauth';
  admin: boolean;
  created: string;
  modified: string;
  api: 'meta';
  type: 'account';
  apis?: string[];
  properties?: { capabilities: Record<string, { value: boolean }> };
}

export interface FolderRef {
  id: string;
  name: string;
}

export interface PublicStorageObject {
  api: 'storage';
  type: 'file' | 'folder';
  id: string;
  name: string;
  size: number | null;
  created: string | null;
  modified: string | null;
  account: number;
  parent: FolderRef | null;
  ancestors: FolderRef[] | null;
  /** Null where the service addresses objects by id and gives no path. */
  path: string | null;
  mime_type?: string;
  downloadable?: boolean;
  can_create_folders?: boolean;
  can_upload_files?: boolean;
  raw_id?: string;
  raw?: Record<string, unknown>;
  /** The upload tags given with the upload or copy that wrote this file, exactly as given (seed 004); only in that call's answer. */
  upload_tags?: Record<string, string>;
}

/** Builds an object_list page; `next_page` is null on the last page. */
export function objectList<T>(api: string, objects: T[], page: number, hasMore: boolean, total?: number): ObjectList<T> {
  const list: ObjectList<T> = { type: 'object_list', api, objects, count: objects.length, page, next_page: hasMore ? page + 1 : null };
  if (total !== undefined) list.total = total;
  return list;
}
