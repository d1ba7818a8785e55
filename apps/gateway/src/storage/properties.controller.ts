import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch } from '@nestjs/common';
import { propertyChanges, PropertiesDelete, PropertiesGet, PropertiesUpdate, RPC_CLIENT, RpcClient, type MessageMeta, type PropertyChange } from '@app/common';
import { AccountId, Meta } from '../access/caller.decorator';
import { ZodPipe } from '../http/zod.pipe';

/** App-defined properties of a file (kept by the connectors service for every kind of account). */
@Controller('v1/accounts/:accountId/storage/files/:fileId/properties')
export class PropertiesController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient) {}

  @Get()
  get(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Param('fileId') fileId: string) {
    return this.rpc.call(PropertiesGet, { ...meta, accountId }, { fileId });
  }

  /** A list of `{ key, value }`; `value: null` deletes the key. Answers every property of the file. */
  @Patch()
  update(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Param('fileId') fileId: string, @Body(new ZodPipe(propertyChanges)) changes: PropertyChange[]) {
    return this.rpc.call(PropertiesUpdate, { ...meta, accountId }, { fileId, changes });
  }

  @Delete()
  @HttpCode(204)
  async deleteAll(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Param('fileId') fileId: string): Promise<void> {
    await this.rpc.call(PropertiesDelete, { ...meta, accountId }, { fileId });
  }
}
