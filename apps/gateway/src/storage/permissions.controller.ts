import { Controller, Get, Inject, Param, Patch, Put } from '@nestjs/common';
import { FileGet, FolderGet, RPC_CLIENT, RpcClient, UnsupportedError, type MessageMeta } from '@app/common';
import { AccountId, Meta } from '../access/caller.decorator';

/**
 * `…/{files,folders}/{id}/permissions` (read, replace, update): none of our
 * services has a permissions model (`permissions_supported_for_files` is
 * false), so an existing object answers `501 not_implemented`, a missing one
 * `404` as everywhere. Nest routes one method per handler, hence six.
 */
@Controller('v1/accounts/:accountId/storage')
export class PermissionsController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient) {}

  @Get('files/:id/permissions')
  getFile(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Param('id') id: string): Promise<never> {
    return this.refuse({ ...meta, accountId }, 'file', id);
  }

  @Put('files/:id/permissions')
  replaceFile(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Param('id') id: string): Promise<never> {
    return this.refuse({ ...meta, accountId }, 'file', id);
  }

  @Patch('files/:id/permissions')
  updateFile(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Param('id') id: string): Promise<never> {
    return this.refuse({ ...meta, accountId }, 'file', id);
  }

  @Get('folders/:id/permissions')
  getFolder(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Param('id') id: string): Promise<never> {
    return this.refuse({ ...meta, accountId }, 'folder', id);
  }

  @Put('folders/:id/permissions')
  replaceFolder(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Param('id') id: string): Promise<never> {
    return this.refuse({ ...meta, accountId }, 'folder', id);
  }

  @Patch('folders/:id/permissions')
  updateFolder(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Param('id') id: string): Promise<never> {
    return this.refuse({ ...meta, accountId }, 'folder', id);
  }

  /** 404 for a missing object (or another app's account), then 501. */
  private async refuse(meta: MessageMeta & { accountId: number }, kind: 'file' | 'folder', id: string): Promise<never> {
    if (kind === 'file') await this.rpc.call(FileGet, meta, { fileId: id, rawData: false });
    else await this.rpc.call(FolderGet, meta, { folderId: id, rawData: false });
    throw new UnsupportedError(`This service has no permissions model: a ${kind}'s sharing settings cannot be read or changed through the API (capability permissions_supported_for_files is false).`);
  }
}
