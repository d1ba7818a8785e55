import { Controller, Get, Inject, Param, Patch, Put } from '@nestjs/common';
import { FileGet, FolderGet, NotFoundError, RPC_CLIENT, RpcClient, UnsupportedError, type MessageMeta } from '@app/common';
import { AccountId, Meta } from '../access/caller.decorator';

/**
 * `…/{files,folders}/{id}/permissions` (read, replace, update): none of our
 * services has a permissions model (`permissions_supported_for_files` is
 * false), so an existing object answers `501 not_implemented`, a missing one
 * `404` as everywhere.
 */
@Controller('v1/accounts/:accountId/storage/:kind/:id/permissions')
export class PermissionsController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient) {}

  @Get()
  read(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Param('kind') kind: string, @Param('id') id: string): Promise<never> {
    return this.refuse({ ...meta, accountId }, kind, id);
  }

  @Put()
  replace(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Param('kind') kind: string, @Param('id') id: string): Promise<never> {
    return this.refuse({ ...meta, accountId }, kind, id);
  }

  @Patch()
  update(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Param('kind') kind: string, @Param('id') id: string): Promise<never> {
    return this.refuse({ ...meta, accountId }, kind, id);
  }

  /** 404 for a missing object (or another app's account), then 501. */
  private async refuse(meta: MessageMeta & { accountId: number }, kind: string, id: string): Promise<never> {
    if (kind === 'files') await this.rpc.call(FileGet, meta, { fileId: id, rawData: false });
    else if (kind === 'folders') await this.rpc.call(FolderGet, meta, { folderId: id, rawData: false });
    else throw new NotFoundError(`No resource at storage/${kind.slice(0, 32)}/…/permissions.`);
    throw new UnsupportedError(
      `This service has no permissions model: the sharing settings of ${kind} cannot be read or changed through the API (capability permissions_supported_for_files is false).`,
    );
  }
}
