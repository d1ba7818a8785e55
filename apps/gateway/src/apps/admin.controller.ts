import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { z } from 'zod';
import { Access } from '../access/access.decorator';
import { ZodPipe } from '../http/zod.pipe';
import { AppService } from './app.service';

const createAppSchema = z.object({ name: z.string().trim().min(1, 'name is required').max(255) });

@Controller('v1/admin/apps')
export class AdminController {
  constructor(private readonly apps: AppService) {}

  /** Bootstrap: creates an app and returns its API key, shown this once. */
  @Post()
  @HttpCode(201)
  @Access('admin')
  create(@Body(new ZodPipe(createAppSchema)) body: z.infer<typeof createAppSchema>) {
    return this.apps.create(body.name);
  }
}
