import { Injectable } from '@nestjs/common';
import type { MessageMeta, PropertyChange, PublicProperties } from '@app/common';
import { AccountConnectors } from '../storage/account-connectors';
import { fileRefOf } from '../storage/file-ref';
import type { FilePropertyEntity } from './file-property.entity';
import { PropertiesRepository } from './properties.repository';

/** Properties of files that exist: every call checks the file upstream first (404 otherwise). */
@Injectable()
export class PropertiesService {
  constructor(private readonly accounts: AccountConnectors, private readonly properties: PropertiesRepository) {}

  async get(meta: MessageMeta, fileId: string): Promise<PublicProperties> {
    return view(await this.properties.list(await fileRefOf(this.accounts, meta, fileId)));
  }

  async update(meta: MessageMeta, fileId: string, changes: PropertyChange[]): Promise<PublicProperties> {
    return view(await this.properties.apply(await fileRefOf(this.accounts, meta, fileId), changes));
  }

  async deleteAll(meta: MessageMeta, fileId: string): Promise<{ deleted: true }> {
    await this.properties.deleteAll(await fileRefOf(this.accounts, meta, fileId));
    return { deleted: true };
  }
}

function view(rows: FilePropertyEntity[]): PublicProperties {
  return { properties: rows.map((r) => ({ key: r.key, value: r.value, created: r.createdAt.toISOString(), modified: r.modifiedAt.toISOString() })) };
}
