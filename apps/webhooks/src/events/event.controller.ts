import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Payload } from '@nestjs/microservices';
import { EVENT_TYPES } from '@app/common';
import { EventService } from './event.service';

/** Consumes every event topic of the catalog. Returning resolves the message; its offset is committed after. */
@Controller()
export class EventController {
  constructor(private readonly events: EventService) {}

  @EventPattern([...EVENT_TYPES])
  handle(@Payload() payload: unknown, @Ctx() ctx: KafkaContext) {
    return this.events.ingest(ctx.getTopic(), payload);
  }
}
