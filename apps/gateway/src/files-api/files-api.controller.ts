import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { MessageMeta } from '@app/common';
import { Access } from '../access/access.decorator';
import { Meta } from '../access/caller.decorator';
import { pagingQuery, type PagingQuery } from '../http/paging-query';
import { ZodPipe } from '../http/zod.pipe';
import { FilesApiService } from './files-api.service';
import { ApiDoc } from '../openapi/api-doc.decorator';

const fileId = z.string().uuid('file id must be a UUID');
const token = z.string().min(1).max(2048);

/**
 * The presigned-upload API (seed 001) with the app's API key: get a URL, PUT
 * the bytes, register them, list / read / delete. The two token routes are
 * the URLs handed out for services that cannot presign (anyone holding one
 * may use it until it expires, as with S3's).
 */
@Controller('v1/files')
export class FilesApiController {
  constructor(private readonly files: FilesApiService) {}

  @Post('presigned-url')
  @HttpCode(201)
  presign(@Meta() meta: MessageMeta, @Body() body: unknown, @Req() req: Request) {
    return this.files.presign(meta, body, req);
  }

  @Post()
  @HttpCode(201)
  register(@Meta() meta: MessageMeta, @Body() body: unknown) {
    return this.files.register(meta, body);
  }

  @Get()
  list(@Meta() meta: MessageMeta, @Query(new ZodPipe(pagingQuery)) query: PagingQuery) {
    return this.files.list(meta, query);
  }

  @Get(':fileId')
  get(@Meta() meta: MessageMeta, @Param('fileId', new ZodPipe(fileId)) id: string, @Req() req: Request) {
    return this.files.get(meta, id, req);
  }

  @Delete(':fileId')
  @HttpCode(204)
  async remove(@Meta() meta: MessageMeta, @Param('fileId', new ZodPipe(fileId)) id: string): Promise<void> {
    await this.files.remove(meta, id);
  }

  @Put('uploads/:token')
  @Access('public')
  @ApiDoc({ summary: 'The signed upload URL of a presigned upload (services that cannot presign)', rawBody: { contentType: 'application/octet-stream', description: 'The file\'s bytes.' } })
  async receive(@Param('token', new ZodPipe(token)) value: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.files.receive(value, req, res);
  }

  @Get('downloads/:token')
  @Access('public')
  @ApiDoc({ summary: 'The signed download URL of a registered file', responses: { 200: { contentType: 'application/octet-stream', description: 'The file' } } })
  async send(@Param('token', new ZodPipe(token)) value: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.files.send(value, req, res);
  }
}
