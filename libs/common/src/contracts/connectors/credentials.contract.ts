import { z } from 'zod';
import { SERVICE_NAMES } from '../auth/account.contract';
import { defineContract } from '../envelope';
import { TOPICS } from '../topics';

/**
 * Auth asks connectors to check a service config against the service before
 * saving an account. The reply carries the normalised config to store and a
 * display name for the account.
 */
export const CredentialsValidate = defineContract<{ config: Record<string, unknown>; account: string }>()(
  TOPICS.connectors.credentialsValidate,
  z.object({ service: z.enum(SERVICE_NAMES), config: z.record(z.string(), z.unknown()) }),
);
