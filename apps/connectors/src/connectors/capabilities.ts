import type { Connector, Features } from './connector';

export type OptionalCapability = 'copy' | 'openChunkWriter' | 'search';

/**
 * What a kind of connector can do, known without an account: its features
 * and which optional methods it has. Built from the class (static features +
 * prototype), or from an instance.
 */
export interface ConnectorTraits {
  readonly features: Features;
  has(capability: OptionalCapability): boolean;
}

export function traitsOf(connector: Pick<Connector, 'features'> & Partial<Record<OptionalCapability, unknown>>): ConnectorTraits {
  return {
    features: connector.features,
    has: (capability) => typeof connector[capability] === 'function',
  };
}

/** Traits of a connector class: `static features` and the optional methods on its prototype. */
export function traitsOfClass(cls: { features: Features; prototype: object }): ConnectorTraits {
  const proto = cls.prototype as Partial<Record<OptionalCapability, unknown>>;
  return { features: cls.features, has: (capability) => typeof proto[capability] === 'function' };
}

/** The Kloudless capability names (KLOUDLESS-API.md §3), in the order the API lists them. */
export const CAPABILITY_NAMES = [
  'can_upload_file',
  'can_rename_file',
  'can_move_file',
  'can_copy_file',
  'can_update_file_content',
  'can_delete_file',
  'can_delete_file_permanently',
  'can_create_folder',
  'can_rename_folder',
  'can_move_folder',
  'can_copy_folder',
  'can_delete_folder',
  'multipart_uploads_supported_for_files',
  'can_search_file_name',
  'permissions_supported_for_files',
  'can_list_properties',
  'properties_supported_for_files',
  'can_delete_all_properties',
] as const;

export type CapabilityName = (typeof CAPABILITY_NAMES)[number];
export type Capabilities = Record<CapabilityName, { value: boolean }>;

/** Derives the Kloudless capabilities from the contract: required methods are always there, optional ones by has(). */
export function capabilitiesOf(traits: ConnectorTraits): Capabilities {
  const copy = traits.has('copy');
  const values: Record<CapabilityName, boolean> = {
    can_upload_file: true,
    can_rename_file: true,
    can_move_file: true,
    can_copy_file: copy,
    can_update_file_content: true,
    can_delete_file: true,
    can_delete_file_permanently: true,
    can_create_folder: true,
    can_rename_folder: true,
    can_move_folder: true,
    can_copy_folder: copy,
    can_delete_folder: true,
    multipart_uploads_supported_for_files: traits.has('openChunkWriter'),
    can_search_file_name: traits.has('search'),
    // None of our services has a permissions model (…/permissions answers 501).
    permissions_supported_for_files: false,
    // Properties are kept by the platform (connectors' own table), so every service has them.
    can_list_properties: true,
    properties_supported_for_files: true,
    can_delete_all_properties: true,
  };
  return Object.fromEntries(CAPABILITY_NAMES.map((name) => [name, { value: values[name] }])) as Capabilities;
}
