import { Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Access } from '../access/access.decorator';
import { DropService } from './drop.service';

/** The File Picker's computer uploads: not under /v1, no credentials (the app's registered origins only). */
@Controller('drop/:appId')
@Access('public')
export class DropController {
  constructor(private readonly drop: DropService) {}

  @Get()
  info(@Param('appId') appId: string, @Req() req: Request) {
    return this.drop.info(appId, req);
  }

  @Post()
  async upload(@Param('appId') appId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.drop.receive(appId, req, res);
  }

  @Delete()
  @HttpCode(204)
  async cancel(@Param('appId') appId: string, @Req() req: Request): Promise<void> {
    await this.drop.cancel(appId, req);
  }
}
