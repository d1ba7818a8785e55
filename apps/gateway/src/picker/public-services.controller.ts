import { Controller, Get, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { z } from 'zod';
import { Access } from '../access/access.decorator';
import { queryFlag } from '../http/query-flags';
import { ZodPipe } from '../http/zod.pipe';
import { PublicServicesService } from './public-services.service';

const appIdParam = z.string({ message: 'app_id is required' }).min(1, 'app_id is required').max(128);
const servicesQuery = z.object({ app_id: appIdParam, apis: z.string().max(256).optional(), retrieve_properties: queryFlag(false) });
const configQuery = z.object({ app_id: appIdParam });

/** What the File Picker reads before anyone signs in: no credentials, the app named by `app_id`. */
@Controller()
@Access('public')
export class PublicServicesController {
  constructor(private readonly services: PublicServicesService) {}

  /** `?apis=storage` is the only API there is; `retrieve_properties=true` adds each service's capabilities. */
  @Get('v1/public/services')
  list(@Query(new ZodPipe(servicesQuery)) query: z.output<typeof servicesQuery>, @Req() req: Request) {
    return this.services.list(query.app_id, req.requestId, query.retrieve_properties);
  }

  @Get('file-picker/config')
  config(@Query(new ZodPipe(configQuery)) query: z.output<typeof configQuery>) {
    return this.services.pickerConfig(query.app_id);
  }
}
