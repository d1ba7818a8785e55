import { z } from 'zod';
import { defineContract } from '../envelope';
import { TOPICS } from '../topics';

/** App-defined key/value pairs on a file (Kloudless `…/files/{id}/properties`), kept by connectors. */
export interface PublicProperty {
  key: string;
  value: string;
  created: string;
  modified: string;
}

export interface PublicProperties {
  properties: PublicProperty[];
}

export const PROPERTY_LIMITS = Object.freeze({ keyLength: 255, valueLength: 10_000, perFile: 100 });

/**
 * A PATCH body: a list of `{ key, value }`; `value: null` deletes that key. At
 * most `perFile` entries in one call (a longer list could never fit on a file).
 */
export const propertyChanges = z
  .array(
    z.object({
      key: z.string({ message: 'key must be a string' }).min(1, 'key must not be empty').max(PROPERTY_LIMITS.keyLength, `key must be at most ${PROPERTY_LIMITS.keyLength} characters`),
      value: z
        .string({ message: 'value must be a string or null' })
        .max(PROPERTY_LIMITS.valueLength, `value must be at most ${PROPERTY_LIMITS.valueLength} characters`)
        .nullable(),
    }),
    { message: 'the body must be a JSON list of {"key": ..., "value": ...}' },
  )
  .max(PROPERTY_LIMITS.perFile, `at most ${PROPERTY_LIMITS.perFile} properties per file`);
export type PropertyChange = z.infer<typeof propertyChanges>[number];

const fileId = z.string().min(1);

export const PropertiesGet = defineContract<PublicProperties>()(TOPICS.connectors.propertiesGet, z.object({ fileId }));
/** Applied all or nothing: a change that would leave more than `perFile` keys changes nothing. */
export const PropertiesUpdate = defineContract<PublicProperties>()(TOPICS.connectors.propertiesUpdate, z.object({ fileId, changes: propertyChanges }));
export const PropertiesDelete = defineContract<{ deleted: true }>()(TOPICS.connectors.propertiesDelete, z.object({ fileId }));
