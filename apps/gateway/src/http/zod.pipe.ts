import { Injectable, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { describeZodError, InvalidParametersError } from '@app/common';

/** Validates a body or query against a schema; unknown keys are dropped, bad fields named in a 400. */
@Injectable()
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    const result = this.schema.safeParse(value ?? {});
    if (!result.success) throw new InvalidParametersError(describeZodError(result.error));
    return result.data;
  }
}
